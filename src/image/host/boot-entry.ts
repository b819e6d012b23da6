// Boot Loader Specification type #1 entries for the two /usr slots, named for systemd-boot's boot
// counting: "<id>-a+3-0.conf" has 3 tries left and 0 done. systemd-boot renames the file on every
// attempt (+2-1, +1-2, +0-3); once blessed (systemd-bless-boot, or the node agent) the counter is
// dropped ("<id>-a.conf"). An entry with no tries left sorts after every other entry, so the other
// slot boots; among good entries the newest `version` sorts first (same sort-key), so a freshly
// written slot is tried before the one it updates.
//
// The entry binds the slot's /usr to its verity root hash: `usrhash=` plus the partitions by GPT
// label, in systemd's kernel command line vocabulary (see init-script.ts). Each slot has its own
// kernel and initrd on the ESP under /<id>/<slot>/ so writing slot B never touches slot A's files.

export type Slot = 'a' | 'b';
export const SLOTS: readonly Slot[] = ['a', 'b'];

/** Boot counting: tries a new entry gets. */
export const DEFAULT_TRIES = 3;

export interface SlotLabels {
  usr: string;
  verity: string;
}

/** GPT partition labels of a slot: USR-A / USR-A-verity, USR-B / USR-B-verity. */
export function slotLabels(slot: Slot): SlotLabels {
  const s = slot.toUpperCase();
  return { usr: `USR-${s}`, verity: `USR-${s}-verity` };
}

export const ROOT_LABEL = 'ROOT';
export const ESP_LABEL = 'ESP';

/** Paths on the ESP of a slot's kernel and initrd (as the entry names them). */
export function slotKernelPaths(id: string, slot: Slot): { linux: string; initrd: string } {
  return { linux: `/${id}/${slot}/linux`, initrd: `/${id}/${slot}/initrd` };
}

/** The entry file name under loader/entries/, with a boot counter. */
export function bootEntryFileName(id: string, slot: Slot, tries = DEFAULT_TRIES): string {
  checkId(id);
  if (!Number.isInteger(tries) || tries < 0) throw new RangeError(`boot tries ${tries}: expected a whole number`);
  return `${id}-${slot}+${tries}-0.conf`;
}

export interface BootEntryName {
  id: string;
  slot: Slot;
  /** Tries left and done; absent once the entry is blessed (no counter). */
  left?: number;
  done?: number;
}

/** Parses "<id>-<slot>[+<left>[-<done>]].conf". */
export function parseBootEntryName(name: string): BootEntryName | undefined {
  const m = /^(.+)-([ab])(?:\+(\d+)(?:-(\d+))?)?\.conf$/.exec(name);
  if (!m) return undefined;
  return { id: m[1], slot: m[2] as Slot, ...(m[3] !== undefined ? { left: Number(m[3]), done: Number(m[4] ?? 0) } : {}) };
}

function checkId(id: string): void {
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(id)) throw new RangeError(`entry id "${id}": expected lower-case letters, digits, ".", "_" and "-"`);
}

export interface SlotEntryInput {
  /** Entry token and ESP directory, e.g. "exampleos". */
  id: string;
  slot: Slot;
  /** Version of the OS in the slot (BLS `version`; newer sorts first). */
  version: string;
  /** Menu title (the slot is appended). */
  title: string;
  /** dm-verity root hash of the slot's /usr (hex). */
  rootHash: string;
  /** /usr filesystem (default erofs) and the ROOT partition's (default ext4). */
  usrFsType?: string;
  rootFsType?: string;
  /** Appended to the command line (e.g. console=ttyS0,115200). */
  extraCmdline?: readonly string[];
  /** BLS architecture (x64, aa64); left out when undefined. */
  efiArch?: string;
}

/** The kernel command line that binds the slot's /usr to its root hash. */
export function slotCmdline(e: SlotEntryInput): string {
  if (!/^[0-9a-f]{64,128}$/.test(e.rootHash)) throw new RangeError(`root hash "${e.rootHash}": expected lower-case hex`);
  const l = slotLabels(e.slot);
  return [
    `usrhash=${e.rootHash}`,
    `systemd.verity_usr_data=PARTLABEL=${l.usr}`,
    `systemd.verity_usr_hash=PARTLABEL=${l.verity}`,
    'mount.usr=/dev/mapper/usr',
    `mount.usrfstype=${e.usrFsType ?? 'erofs'}`,
    'mount.usrflags=ro',
    `root=PARTLABEL=${ROOT_LABEL}`,
    `rootfstype=${e.rootFsType ?? 'ext4'}`,
    'rw',
    `strata.slot=${e.slot}`,
    ...(e.extraCmdline ?? []),
  ].join(' ');
}

/** The BLS type #1 entry text of a slot. */
export function bootEntry(e: SlotEntryInput): string {
  checkId(e.id);
  const p = slotKernelPaths(e.id, e.slot);
  const lines = [
    `title ${e.title} (slot ${e.slot.toUpperCase()})`,
    `version ${e.version}`,
    `sort-key ${e.id}`,
    `linux ${p.linux}`,
    `initrd ${p.initrd}`,
    `options ${slotCmdline(e)}`,
    ...(e.efiArch ? [`architecture ${e.efiArch}`] : []),
  ];
  for (const l of lines) if (/[\n\r]/.test(l)) throw new RangeError(`boot entry line "${l}" contains a line break`);
  return `${lines.join('\n')}\n`;
}

/** Keys of a BLS entry (options joined by spaces when repeated). */
export function parseBootEntry(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    // "<key><whitespace><value>", the value trimmed and on one line. Not one regex with a lazy value
    // before trailing whitespace: that backtracks quadratically on a long run of inner whitespace.
    const m = /^\s*([a-z-]+)\s/.exec(line);
    if (!m || line.trimStart().startsWith('#')) continue;
    const value = line.slice(m[0].length).trim();
    if (/[\r\u2028\u2029]/.test(value)) continue;
    out.set(m[1], out.has(m[1]) && m[1] === 'options' ? `${out.get(m[1])} ${value}` : value);
  }
  return out;
}

/** A kernel command line's key=value words (the last one wins, like the kernel's own parsing). */
export function parseCmdline(cmdline: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const w of cmdline.split(/\s+/).filter(Boolean)) {
    const eq = w.indexOf('=');
    out.set(eq < 0 ? w : w.slice(0, eq), eq < 0 ? '' : w.slice(eq + 1));
  }
  return out;
}

/**
 * loader.conf: no menu delay, and no command line editor — editing the entry could drop
 * usrhash= and boot an unverified /usr, so an immutable host disables it.
 */
export function loaderConf(opts: { timeout?: number } = {}): string {
  return `timeout ${opts.timeout ?? 0}\neditor no\nauto-entries no\nconsole-mode keep\n`;
}

/** UEFI's name for an architecture (BOOTX64.EFI, systemd-bootx64.efi). */
export function efiArch(arch: string): string {
  const a = ({ x86_64: 'x64', aarch64: 'aa64', i686: 'ia32', riscv64: 'riscv64', loongarch64: 'loongarch64' } as Record<string, string>)[arch];
  if (!a) throw new RangeError(`architecture ${arch}: no UEFI name known`);
  return a;
}
