// Installing a set of package files into an empty image root: read their headers, order them as
// rpm's rpmtsOrder does (src/solve/order), plan every file (plan.ts), then run the transaction
// (transaction.ts). The dependency closure is the caller's business (composeRoot solves it).

import { lstatSync, mkdirSync, readdirSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { type OrderDep, type OrderPackage, formatLoops, orderTransaction, type TransactionElement } from '../../solve/order/index.ts';
import type { Dependency } from '../../rpm/model.ts';
import { DEFAULT_DBPATH } from '../rpmdb/sqlite.ts';
import { InstallError, type PackageSource, type TxPackage, packageColor, readTxPackage } from './model.ts';
import { type PlanOptions, planTransaction } from './plan.ts';
import { type DatabaseKind, type InstallEvent, type LuaPolicy, type ScriptletPolicy, luaScriptlets, runTransaction } from './transaction.ts';
import type { ScriptletOutcome } from './scriptlets.ts';

export interface InstallOptions {
  /** Target root: absent or an empty directory. */
  root: string;
  packages: readonly PackageSource[];
  /** System arch, for multilib colours (default: this host's). */
  arch?: string;
  /** 'run' (default) runs scriptlets chrooted into the root; 'skip' installs without them. */
  scriptlets?: ScriptletPolicy;
  /** Lua scriptlets cannot run outside rpm: 'refuse' (default) fails up front, 'skip' leaves them out. */
  lua?: LuaPolicy;
  /** 'rpmdb' (default): Fedora's sqlite rpmdb; 'manifest': distroless, container-manifest-1/2 only. */
  database?: DatabaseKind;
  /** Database directory inside the root (default /usr/lib/sysimage/rpm). */
  dbpath?: string;
  /** Reproducible builds: install time = this, and mtimes clamped. Default: $SOURCE_DATE_EPOCH. */
  sourceDateEpoch?: number;
  excludeDocs?: boolean;
  installLangs?: readonly string[];
  netSharedPaths?: readonly string[];
  /** Decoder threads (default: cores; 0 = none) and bytes of decoded payload kept ahead (256 MiB). */
  jobs?: number;
  memoryBudget?: number;
  /** Extra scriptlet environment. */
  env?: Record<string, string>;
  strictScriptlets?: boolean;
  onEvent?: (e: InstallEvent) => void;
}

export interface InstalledPackage {
  nevra: string;
  name: string;
  epoch: number | undefined;
  version: string;
  release: string;
  arch: string;
  /** rpmdb record number (install order, from 1). */
  hnum: number;
  path: string;
  repo?: string;
  /** Uncompressed installed size (SIZE / LONGSIZE). */
  installedSize: number;
}

export interface InstallResult {
  root: string;
  /** In installation order. */
  packages: InstalledPackage[];
  /** Dependency loops rpm's ordering had to break (rpm --deploops wording). */
  loops: string[];
  scriptlets: ScriptletOutcome[];
  warnings: string[];
  /** Install time recorded in the database (INSTALLTIME / INSTALLTID). */
  installTime: number;
  /** The installed header blobs, in order (what the rpmdb / manifests were made from). */
  headers: Uint8Array[];
}

const MULTILIB = new Set(['x86_64', 'aarch64', 'ppc64le', 'ppc64', 's390x', 'riscv64', 'loongarch64']);
const NODE_ARCH: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', ppc64: 'ppc64le', s390x: 's390x', ia32: 'i686', riscv64: 'riscv64' };

/** Transaction and preferred colours (rpm's %_transaction_color / %_prefer_color). */
export function archColors(arch: string): { tsColor: number; prefColor: number } {
  return MULTILIB.has(arch) ? { tsColor: 3, prefColor: 2 } : { tsColor: 0, prefColor: 0 };
}

export function envSourceDateEpoch(): number | undefined {
  const v = process.env.SOURCE_DATE_EPOCH;
  if (v === undefined || v === '') return undefined;
  if (!/^[0-9]+$/.test(v)) throw new InstallError(`SOURCE_DATE_EPOCH: invalid value "${v}"`);
  return Number(v);
}

/** The root must be empty (or absent): an image root is composed, never updated in place. */
export function checkEmptyRoot(root: string): void {
  const st = lstatSync(root, { throwIfNoEntry: false });
  if (!st) return;
  if (!st.isDirectory()) throw new InstallError(`${root}: not a directory`);
  if (readdirSync(root).length > 0) throw new InstallError(`${root}: not empty (an image root is composed into an empty directory)`);
}

function prepareRoot(root: string): string {
  checkEmptyRoot(root);
  mkdirSync(root, { recursive: true, mode: 0o755 });
  return realpathSync(resolve(root));
}

export function requireRoot(): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new InstallError('composing an image root needs root: files get their packages\' owners and capabilities, and scriptlets run chrooted');
  }
}

const deps = (list: readonly Dependency[]): OrderDep[] => list.map((d) => (d.version ? { name: d.name, flags: d.flags, version: d.version } : { name: d.name, flags: d.flags }));

function orderPackage(t: TxPackage): OrderPackage {
  const p = t.pkg;
  return {
    name: p.name,
    epoch: p.epoch,
    version: p.version,
    release: p.release,
    arch: p.arch,
    requires: deps(p.deps.requires),
    provides: deps(p.deps.provides),
    obsoletes: deps(p.deps.obsoletes),
    recommends: deps(p.deps.recommends),
    suggests: deps(p.deps.suggests),
    supplements: deps(p.deps.supplements),
    enhances: deps(p.deps.enhances),
    orderWithRequires: deps(p.deps.orderwithrequires),
    files: p.files.map((f) => f.path),
    color: packageColor(t),
  };
}

/** Orders packages (given in the order they are added to the transaction) as rpm would run them. */
export function orderPackages(pkgs: readonly TxPackage[], arch: string): { ordered: TxPackage[]; loops: string[] } {
  const elements: Array<TransactionElement<OrderPackage & { tx: TxPackage }>> = pkgs.map((tx) => ({ type: 'install', pkg: { ...orderPackage(tx), tx } }));
  const { tsColor, prefColor } = archColors(arch);
  const result = orderTransaction(elements, { tsColor, prefColor });
  return { ordered: result.order.map((e) => e.pkg.tx), loops: formatLoops(result, elements) };
}

export async function installPackages(opts: InstallOptions): Promise<InstallResult> {
  requireRoot();
  checkEmptyRoot(opts.root);
  const arch = opts.arch ?? NODE_ARCH[process.arch] ?? process.arch;
  const txs: TxPackage[] = [];
  for (const src of opts.packages) txs.push(await readTxPackage(src));
  // dnf adds transaction elements in name order; rpm's ordering breaks ties by that order.
  txs.sort((a, b) => (a.pkg.name !== b.pkg.name ? (a.pkg.name < b.pkg.name ? -1 : 1) : a.nevra < b.nevra ? -1 : a.nevra > b.nevra ? 1 : 0));
  const lua = opts.lua ?? 'refuse';
  const scriptlets = opts.scriptlets ?? 'run';
  if (scriptlets === 'run' && lua === 'refuse') {
    const found = luaScriptlets(txs);
    if (found.length) {
      throw new InstallError(`Lua scriptlets cannot run outside rpm: ${found.slice(0, 5).join(', ')}${found.length > 5 ? ', …' : ''} (skip them with lua: 'skip', or all scriptlets with scriptlets: 'skip')`);
    }
  }
  const { ordered, loops } = orderPackages(txs, arch);
  const { tsColor, prefColor } = archColors(arch);
  const planOpts: PlanOptions = { tsColor, prefColor };
  if (opts.excludeDocs) planOpts.excludeDocs = true;
  if (opts.installLangs) planOpts.installLangs = opts.installLangs;
  if (opts.netSharedPaths) planOpts.netSharedPaths = opts.netSharedPaths;
  const plans = planTransaction(ordered, planOpts);
  const root = prepareRoot(opts.root);
  const sde = opts.sourceDateEpoch ?? envSourceDateEpoch();
  const installTime = sde ?? Math.floor(Date.now() / 1000);
  const tx = await runTransaction({
    root,
    packages: ordered,
    plans,
    scriptlets,
    lua,
    database: opts.database ?? 'rpmdb',
    dbpath: opts.dbpath ?? DEFAULT_DBPATH,
    installTime,
    tsColor,
    ...(sde !== undefined ? { sourceDateEpoch: sde } : {}),
    env: { HOME: '/root', ...(opts.env ?? {}) },
    strictScriptlets: opts.strictScriptlets ?? false,
    ...(opts.jobs !== undefined ? { jobs: opts.jobs } : {}),
    ...(opts.memoryBudget !== undefined ? { memoryBudget: opts.memoryBudget } : {}),
    ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
  });
  return {
    root,
    packages: ordered.map((t, i) => ({
      nevra: t.nevra,
      name: t.pkg.name,
      epoch: t.pkg.epoch,
      version: t.pkg.version,
      release: t.pkg.release,
      arch: t.pkg.arch,
      hnum: tx.installed[i].hnum,
      path: t.path,
      ...(t.repo !== undefined ? { repo: t.repo } : {}),
      installedSize: t.pkg.installedSize,
    })),
    loops,
    scriptlets: tx.scriptlets,
    warnings: tx.warnings,
    installTime,
    headers: tx.headers,
  };
}
