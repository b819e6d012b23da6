// `strata repo publish DIR`: createrepo_c + modifyrepo_c in one step.

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { env } from 'node:process';
import type { MetadataCompression } from '../repo/compression.ts';
import type { Advisory } from '../repo/model.ts';
import type { ChecksumType } from '../repo/publish/index.ts';
import type { Command } from './command.ts';
import { CliError, UsageError } from './errors.ts';

const CHECKSUMS = ['sha256', 'sha512', 'sha384', 'sha224', 'sha1'];
const COMPRESSIONS: MetadataCompression[] = ['zstd', 'gz', 'xz', 'bz2', 'none'];
const str = { type: 'string' } as const;
const multi = { type: 'string', multiple: true } as const;
const bool = { type: 'boolean' } as const;

function intOption(name: string, v: unknown, min = 0): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^[0-9]+$/.test(v) || Number(v) < min) throw new UsageError(`repo publish: --${name}: expected an integer >= ${min}`);
  return Number(v);
}

/** SOURCE_DATE_EPOCH as the reproducible-builds spec defines it: a decimal integer, else an error. */
export function sourceDateEpoch(): number | undefined {
  const s = env.SOURCE_DATE_EPOCH;
  if (s === undefined || s === '') return undefined;
  if (!/^[0-9]+$/.test(s)) throw new UsageError(`SOURCE_DATE_EPOCH: expected seconds since the epoch, got "${s}"`);
  return Number(s);
}

async function loadAdvisories(files: string[]): Promise<Advisory[]> {
  const { loadAdvisoryToml, parseUpdateinfo } = await import('../repo/updateinfo.ts');
  const all: Advisory[] = [];
  for (const f of files) {
    if (f.endsWith('.toml')) all.push(...(await loadAdvisoryToml(f)));
    else all.push(...parseUpdateinfo(await readFile(f, 'utf8'), f));
  }
  const seen = new Set<string>();
  for (const a of all) {
    if (seen.has(a.id)) throw new CliError(`advisories: ${a.id} is defined twice`);
    seen.add(a.id);
  }
  return all;
}

export const repoPublish: Command = {
  name: 'repo publish',
  summary: 'Write (signed) rpm-md metadata for a directory of packages, like createrepo_c',
  usage: '[options] DIR',
  optionHelp: [
    ['--compress ALGO', 'zstd (default), gz, xz, bz2 or none for primary/filelists/other/updateinfo'],
    ['--checksum ALGO', 'sha256 (default), sha512, sha384, sha224 or sha1'],
    ['--update', 'reuse records of packages whose size and mtime are unchanged'],
    ['--no-stat-trust', 'with --update: compare full checksums instead of size + mtime'],
    ['--advisories FILE', 'advisories (.toml or updateinfo.xml) for updateinfo; repeatable'],
    ['--groups FILE', 'comps groups file to publish as group/group_gz'],
    ['--sign-key KEY', 'sign repomd.xml (repomd.xml.asc) with a keystore key name or armored secret key file'],
    ['--passphrase-file FILE', 'passphrase of the signing key'],
    ['--sign-packages', 'also sign every package with --sign-key (before checksumming)'],
    ['--revision REV', 'repomd <revision> (default SOURCE_DATE_EPOCH or now)'],
    ['--changelog-limit N', 'changelog entries per package in other.xml (default 10)'],
    ['--workers N', 'threads reading packages (default: by amount of data)'],
    ['--exclude GLOB', 'leave out packages whose file name or path matches; repeatable'],
    ['--baseurl URL', 'xml:base of every package location'],
    ['--distro TAG', 'repomd distro tag ("cpeid,name" or "name"); also --content TAG, --repo-tag TAG'],
    ['--retain-old', 'keep the previous metadata files for readers still fetching them'],
  ],
  examples: [
    'strata repo publish repo/',
    'strata repo publish --update --sign-key release --sign-packages --advisories advisories/ASA-2026-0001.toml repo/',
    'SOURCE_DATE_EPOCH=1700000000 strata repo publish -o json --compress xz repo/',
  ],
  options: {
    compress: str,
    checksum: str,
    update: bool,
    'no-stat-trust': bool,
    advisories: multi,
    groups: str,
    'sign-key': str,
    'passphrase-file': str,
    'sign-packages': bool,
    revision: str,
    'changelog-limit': str,
    workers: str,
    exclude: multi,
    baseurl: str,
    distro: multi,
    content: multi,
    'repo-tag': multi,
    'retain-old': bool,
  },
  minArgs: 1,
  maxArgs: 1,
  async run({ out }, v, [dir]) {
    // Domain modules load on use: `strata --help` and other commands need not pay for them, nor a
    // publish without signing (the keystore, OpenPGP) or groups (the XML reader) for those.
    const { publishRepository } = await import('../repo/publish/index.ts');
    const compression = (v.compress as string | undefined) ?? 'zstd';
    if (!(COMPRESSIONS as readonly string[]).includes(compression)) {
      throw new UsageError(`repo publish: --compress: unknown "${compression}" (${COMPRESSIONS.join(', ')})`);
    }
    const checksum = (v.checksum as string | undefined) ?? 'sha256';
    if (!CHECKSUMS.includes(checksum)) throw new UsageError(`repo publish: --checksum: unknown "${checksum}" (${CHECKSUMS.join(', ')})`);
    if (v['no-stat-trust'] && !v.update) throw new UsageError('repo publish: --no-stat-trust needs --update');
    if (v['sign-packages'] && typeof v['sign-key'] !== 'string') throw new UsageError('repo publish: --sign-packages needs --sign-key');
    let signingKey: { armored: string; passphrase?: string } | undefined;
    if (typeof v['sign-key'] === 'string') {
      const { resolveSigningKey } = await import('../keys/index.ts');
      signingKey = { armored: (await resolveSigningKey(v['sign-key'])).armored };
      if (typeof v['passphrase-file'] === 'string') signingKey.passphrase = (await readFile(v['passphrase-file'], 'utf8')).replace(/\r?\n$/, '');
    }
    let comps: { text: string; baseName: string } | undefined;
    if (typeof v.groups === 'string') {
      const text = await readFile(v.groups, 'utf8');
      const { parseComps } = await import('../repo/comps.ts');
      parseComps(text, v.groups); // refuse a broken comps file before publishing it
      comps = { text, baseName: basename(v.groups).replace(/\.(gz|xz|zst|bz2)$/, '') };
    }
    const advisories = v.advisories ? await loadAdvisories(v.advisories as string[]) : undefined;
    const distro = ((v.distro as string[] | undefined) ?? []).map((d) => {
      const i = d.indexOf(',');
      return i < 0 ? { value: d } : { cpeid: d.slice(0, i), value: d.slice(i + 1) };
    });
    let bar: ReturnType<typeof out.progress> | undefined;
    let phase = '';
    const r = await publishRepository(dir, {
      compression: compression as MetadataCompression,
      checksumType: checksum as ChecksumType,
      update: Boolean(v.update),
      statTrust: !v['no-stat-trust'],
      ...(advisories ? { advisories } : {}),
      ...(comps ? { comps } : {}),
      ...(signingKey ? { signingKey } : {}),
      signPackages: Boolean(v['sign-packages']),
      ...(typeof v.revision === 'string' ? { revision: v.revision } : {}),
      ...(v['changelog-limit'] !== undefined ? { changelogLimit: intOption('changelog-limit', v['changelog-limit']) } : {}),
      ...(v.workers !== undefined ? { workers: intOption('workers', v.workers, 1) } : {}),
      excludes: (v.exclude as string[] | undefined) ?? [],
      ...(typeof v.baseurl === 'string' ? { locationBase: v.baseurl } : {}),
      tags: { distro, content: (v.content as string[] | undefined) ?? [], repo: (v['repo-tag'] as string[] | undefined) ?? [] },
      retainOld: Boolean(v['retain-old']),
      sourceDateEpoch: sourceDateEpoch(),
      onProgress(p, done, total) {
        if (p !== phase) {
          bar?.done();
          phase = p;
          bar = out.progress(p === 'read' ? 'reading packages' : p === 'sign' ? 'signing packages' : 'writing metadata', total);
        }
        bar?.tick(done === 0 ? 0 : 1);
      },
    });
    bar?.done();
    for (const w of r.warnings) out.info(`warning: ${w}`);
    const summary = {
      root: r.root,
      revision: r.revision,
      packages: r.packages,
      read: r.read,
      reused: r.reused,
      signedPackages: r.signedPackages,
      signed: r.signed,
      records: r.records.map((x) => ({ type: x.type, location: x.location, size: x.size, checksum: x.checksum.value })),
    };
    if (out.format === 'json') return out.json(summary);
    out.table(
      ['TYPE', 'SIZE', 'LOCATION'],
      r.records.map((x) => [x.type, x.size ?? '', x.location]),
    );
    out.info(
      `${r.packages} packages (${r.read} read, ${r.reused} reused${r.signedPackages ? `, ${r.signedPackages} signed` : ''}), revision ${r.revision}${r.signed ? ', repomd.xml signed' : ''}`,
    );
  },
};
