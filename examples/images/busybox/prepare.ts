// Setup for the busybox example package: builds its tree with the host's statically linked
// busybox (git does not store the binary).
//   node examples/images/busybox/prepare.ts [TREE]     (default: examples/out/images/busybox/root)
// The tree: usr/bin/busybox (0755) and usr/bin/sh → busybox. BUSYBOX=/path picks another binary.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

const tree = resolve(process.argv[2] ?? new URL('../../out/images/busybox/root', import.meta.url).pathname);
const candidates = process.env.BUSYBOX ? [process.env.BUSYBOX] : ['/bin/busybox', '/usr/bin/busybox', '/usr/sbin/busybox'];
const source = candidates.find((p) => existsSync(p));
if (!source) {
  console.error(`prepare: no busybox found (${candidates.join(', ')}); install a static one (Debian: apt-get install busybox-static)`);
  process.exit(1);
}

/** True when the ELF file has no PT_INTERP program header (no dynamic loader, no libc needed). */
function isStaticElf(bytes: Buffer): boolean {
  if (bytes.length < 64 || bytes.readUInt32BE(0) !== 0x7f454c46) return false;
  const is64 = bytes[4] === 2;
  const le = bytes[5] === 1;
  const u16 = (o: number) => (le ? bytes.readUInt16LE(o) : bytes.readUInt16BE(o));
  const u32 = (o: number) => (le ? bytes.readUInt32LE(o) : bytes.readUInt32BE(o));
  const u64 = (o: number) => Number(le ? bytes.readBigUInt64LE(o) : bytes.readBigUInt64BE(o));
  const phoff = is64 ? u64(32) : u32(28);
  const phentsize = u16(is64 ? 54 : 42);
  const phnum = u16(is64 ? 56 : 44);
  for (let i = 0; i < phnum; i++) if (u32(phoff + i * phentsize) === 3 /* PT_INTERP */) return false;
  return true;
}

const bytes = readFileSync(source);
if (!isStaticElf(bytes)) {
  console.error(`prepare: ${source} is not a statically linked ELF binary; install busybox-static (Debian) or set BUSYBOX=`);
  process.exit(1);
}
rmSync(tree, { recursive: true, force: true });
mkdirSync(join(tree, 'usr', 'bin'), { recursive: true });
copyFileSync(source, join(tree, 'usr', 'bin', 'busybox'));
chmodSync(join(tree, 'usr', 'bin', 'busybox'), 0o755);
symlinkSync('busybox', join(tree, 'usr', 'bin', 'sh'));
console.log(`prepare: ${source} → ${tree}/usr/bin/busybox`);
