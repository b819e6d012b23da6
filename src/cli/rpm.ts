// `strata rpm …`: inspect packages (info, files, deps, scripts). Verify/extract/pack live beside.

import {
  DEP_KINDS,
  type DepKind,
  type RpmPackage,
  RpmFormatError,
  describePackage,

  formatDependency,
  hardlinkGroups,
  nevra,
  readRpmFileHeaders,
  tagName,
  sigTagName,
  type Header,
} from '../rpm/index.ts';
import type { Command } from './command.ts';
import { CliError } from './errors.ts';
import { fileFlagLetters, fileModeString } from './format.ts';

/** Reads a package, prefixing any format error with the file name. */
export async function loadPackage(path: string) {
  try {
    const h = await readRpmFileHeaders(path);
    return { ...h, pkg: describePackage(h.header, h.signature) };
  } catch (e) {
    if (e instanceof RpmFormatError) throw new CliError(`${path}: ${e.message}`);
    throw e;
  }
}

function infoRecord(path: string, p: RpmPackage, h: { fileSize: number; payloadOffset: number }) {
  return {
    file: path,
    nevra: nevra(p),
    name: p.name,
    epoch: p.epoch ?? null,
    version: p.version,
    release: p.release,
    arch: p.isSource ? 'src' : p.arch,
    source: p.isSource,
    summary: p.summary,
    description: p.description,
    license: p.license,
    group: p.group,
    url: p.url,
    vendor: p.vendor,
    packager: p.packager,
    buildHost: p.buildHost,
    buildTime: p.buildTime,
    sourceRpm: p.sourceRpm,
    installedSize: p.installedSize,
    archiveSize: p.archiveSize ?? null,
    fileSize: h.fileSize,
    headerEnd: h.payloadOffset,
    payload: { format: p.payloadFormat, compressor: p.payloadCompressor, flags: p.payloadFlags },
    fileCount: p.files.length,
  };
}

function dumpTags(h: Header, names: (t: number) => string) {
  const out: Record<string, unknown> = {};
  for (const t of h.tags()) {
    const v = h.get(t);
    out[names(t)] = v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v;
  }
  return out;
}

const info: Command = {
  name: 'rpm info',
  summary: 'Show a package\'s name, version, sizes and metadata (like rpm -qpi)',
  usage: '[--tags] FILE...',
  optionHelp: [['--tags', 'also dump every header and signature tag (JSON output)']],
  examples: ['strata rpm info hello-2.0-1.x86_64.rpm', 'strata rpm info -o json --tags foo.rpm'],
  options: { tags: { type: 'boolean' } },
  minArgs: 1,
  async run({ out }, values, files) {
    const records = [];
    for (const f of files) {
      const h = await loadPackage(f);
      const rec: Record<string, unknown> = infoRecord(f, h.pkg, h);
      if (values.tags) {
        rec.signatureTags = dumpTags(h.signature, sigTagName);
        rec.headerTags = dumpTags(h.header, tagName);
      }
      records.push(rec);
    }
    if (out.format === 'json') return out.json(records.length === 1 ? records[0] : records);
    for (const r of records) {
      const rows: Array<[string, unknown]> = [
        ['Name', r.name],
        ['Epoch', r.epoch ?? '(none)'],
        ['Version', r.version],
        ['Release', r.release],
        ['Architecture', r.arch],
        ['Size', r.installedSize],
        ['License', r.license],
        ['Group', r.group],
        ['URL', r.url],
        ['Vendor', r.vendor],
        ['Packager', r.packager],
        ['Build Host', r.buildHost],
        ['Build Date', new Date(Number(r.buildTime) * 1000).toISOString()],
        ['Source RPM', r.sourceRpm || '(none)'],
        ['Payload', `${(r.payload as { compressor: string }).compressor} ${(r.payload as { flags: string }).flags}`],
        ['Files', r.fileCount],
        ['Summary', r.summary],
      ];
      for (const [k, v] of rows) out.line(`${k.padEnd(13)}: ${String(v)}`);
      out.line(`Description  :\n${String(r.description)}`);
      if (records.length > 1) out.line('');
    }
  },
};

const files: Command = {
  name: 'rpm files',
  summary: 'List the files a package contains, with modes, owners, sizes, digests and flags',
  usage: 'FILE',
  optionHelp: [],
  examples: ['strata rpm files hello-2.0-1.x86_64.rpm', 'strata rpm files -o json capstest-1.0-1.noarch.rpm'],
  options: {},
  minArgs: 1,
  maxArgs: 1,
  async run({ out }, _v, [f]) {
    const { pkg } = await loadPackage(f);
    const links = new Map<number, string>();
    for (const g of hardlinkGroups(pkg.files)) for (const i of g.slice(1)) links.set(i, pkg.files[g[0]].path);
    if (out.format === 'json') {
      return out.json(
        pkg.files.map((x, i) => ({ ...x, digestAlgo: pkg.fileDigestAlgo, hardlinkTo: links.get(i) ?? null })),
      );
    }
    out.table(
      ['MODE', 'OWNER', 'SIZE', 'FLAGS', 'PATH'],
      pkg.files.map((x, i) => [
        fileModeString(x.mode),
        `${x.user}:${x.group}`,
        x.size,
        fileFlagLetters(x.flags) || '-',
        x.path +
          (x.linkTo ? ` -> ${x.linkTo}` : '') +
          (links.has(i) ? ` (hardlink to ${links.get(i)})` : '') +
          (x.caps ? ` [${x.caps}]` : ''),
      ]),
    );
  },
};

const deps: Command = {
  name: 'rpm deps',
  summary: 'List dependencies of every kind (provides, requires, conflicts, obsoletes, weak, order)',
  usage: '[--kind KIND] FILE',
  optionHelp: [['--kind KIND', `only one kind: ${DEP_KINDS.join(', ')}`]],
  examples: ['strata rpm deps hello-2.0-1.x86_64.rpm', 'strata rpm deps --kind requires -o json foo.rpm'],
  options: { kind: { type: 'string' } },
  minArgs: 1,
  maxArgs: 1,
  async run({ out }, values, [f]) {
    const kind = values.kind as string | undefined;
    if (kind && !(DEP_KINDS as readonly string[]).includes(kind)) {
      throw new CliError(`--kind: unknown dependency kind "${kind}" (${DEP_KINDS.join(', ')})`, 2);
    }
    const { pkg } = await loadPackage(f);
    const kinds = (kind ? [kind] : DEP_KINDS) as DepKind[];
    if (out.format === 'json') {
      const o: Record<string, unknown> = {};
      for (const k of kinds) o[k] = pkg.deps[k];
      return out.json(o);
    }
    const rows: string[][] = [];
    for (const k of kinds) for (const d of pkg.deps[k]) rows.push([k, formatDependency(d), `0x${d.flags.toString(16)}`]);
    out.table(['KIND', 'DEPENDENCY', 'FLAGS'], rows);
  },
};

const scripts: Command = {
  name: 'rpm scripts',
  summary: 'Show scriptlets, triggers and the changelog (like rpm -qp --scripts --triggers --changelog)',
  usage: '[--changelog] FILE',
  optionHelp: [['--changelog', 'also print the changelog']],
  examples: ['strata rpm scripts hello-2.0-1.x86_64.rpm', 'strata rpm scripts -o json --changelog foo.rpm'],
  options: { changelog: { type: 'boolean' } },
  minArgs: 1,
  maxArgs: 1,
  async run({ out }, values, [f]) {
    const { pkg } = await loadPackage(f);
    if (out.format === 'json') {
      return out.json({
        nevra: nevra(pkg),
        scripts: pkg.scripts,
        triggers: pkg.triggers,
        ...(values.changelog ? { changelog: pkg.changelog } : {}),
      });
    }
    for (const s of pkg.scripts) {
      out.line(`${s.name} scriptlet (using ${s.prog.join(' ') || '/bin/sh'}):`);
      if (s.body) out.line(s.body);
    }
    for (const t of pkg.triggers) {
      out.line(`${t.type} scriptlet (using ${t.prog.join(' ') || '/bin/sh'}) -- ${formatDependency(t)}`);
      if (t.body) out.line(t.body);
    }
    if (values.changelog) {
      for (const c of pkg.changelog) {
        const d = new Date(c.time * 1000).toUTCString().slice(0, 16);
        out.line(`* ${d} ${c.author}\n${c.text}\n`);
      }
    }
    if (!pkg.scripts.length && !pkg.triggers.length && !values.changelog) out.info(`${nevra(pkg)}: no scriptlets`);
  },
};

export const rpmCommands: Command[] = [info, files, deps, scripts];
