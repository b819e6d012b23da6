// Running an ordered, planned transaction into an empty root in rpm 4.18's sequence
// (lib/transaction.c rpmtsRun, lib/psm.c rpmPackageInstall): every %pretrans; then per package
// %triggerprein, %pre, unpack, database add, %filetriggerin (priority ≥ 10000), %post, %triggerin,
// %filetriggerin (the rest); then every %posttrans and %transfiletriggerin. %pretrans and %pre are
// critical (their failure aborts), the others only warn, as in rpm.

import { readdirSync, lstatSync, lutimesSync } from 'node:fs';
import { join } from 'node:path';
import { DepFlag } from '../../rpm/model.ts';
import { Tag } from '../../rpm/tags.ts';
import { installedHeaderBlob } from '../rpmdb/installed-header.ts';
import { writeRpmManifests } from '../rpmdb/manifest.ts';
import { RpmdbWriter } from '../rpmdb/sqlite.ts';
import { RootAccounts } from './accounts.ts';
import { type FilePlan, InstallError, type TxPackage } from './model.ts';
import { PayloadPrefetcher, payloadIndex } from './prefetch.ts';
import { RootFs } from './rootfs.ts';
import { type Scriptlet, type ScriptletOutcome, isLua, runScriptlet } from './scriptlets.ts';
import { type DbPackage, fileTriggers, normalTriggers, transFileTriggers } from './triggers.ts';
import { unpackPackage } from './unpack.ts';
import { parseHeader } from '../../rpm/header.ts';

export type ScriptletPolicy = 'run' | 'skip';
export type LuaPolicy = 'refuse' | 'skip';
export type DatabaseKind = 'rpmdb' | 'manifest';

export interface TransactionOptions {
  /** Absolute host path of the (empty) root. */
  root: string;
  /** Packages in rpm's transaction order, with their file plans. */
  packages: readonly TxPackage[];
  plans: readonly FilePlan[];
  scriptlets: ScriptletPolicy;
  lua: LuaPolicy;
  database: DatabaseKind;
  dbpath: string;
  /** INSTALLTIME and INSTALLTID (rpm: the transaction's start time). */
  installTime: number;
  tsColor: number;
  /** Reproducible mode: mtimes of everything not from a package clamped to this. */
  sourceDateEpoch?: number;
  /** Extra environment for scriptlets (PATH and RPM_INSTALL_PREFIX* are always rpm's). */
  env: Record<string, string>;
  /** A failing non-critical scriptlet (%post, %posttrans, triggers) fails the transaction. */
  strictScriptlets: boolean;
  jobs?: number;
  memoryBudget?: number;
  onEvent?: (e: InstallEvent) => void;
}

export type InstallEvent =
  | { kind: 'package'; index: number; total: number; nevra: string }
  | { kind: 'scriptlet'; outcome: ScriptletOutcome; ok: boolean };

export interface TransactionResult {
  /** Installed packages in order with their rpmdb record numbers. */
  installed: Array<{ nevra: string; hnum: number }>;
  scriptlets: ScriptletOutcome[];
  warnings: string[];
  /** The installed header blobs (what the rpmdb holds), in order. */
  headers: Uint8Array[];
}

function packageScript(p: TxPackage, name: 'pretrans' | 'prein' | 'postin' | 'posttrans'): Scriptlet | undefined {
  const s = p.pkg.scripts.find((x) => x.name === name);
  if (!s) return undefined;
  const bodyTag = { pretrans: Tag.PRETRANS, prein: Tag.PREIN, postin: Tag.POSTIN, posttrans: Tag.POSTTRANS }[name];
  const label = { pretrans: 'pretrans', prein: 'pre', postin: 'post', posttrans: 'posttrans' }[name];
  return {
    label: `%${label}(${p.nevra})`,
    prog: s.prog,
    body: p.header.has(bodyTag) ? s.body : undefined,
    args: [1],
    prefixes: p.header.strings(Tag.PREFIXES),
  };
}

/** Lua scriptlets an install could run (refused up front unless the policy skips them). */
export function luaScriptlets(pkgs: readonly TxPackage[]): string[] {
  const out: string[] = [];
  for (const p of pkgs) {
    for (const n of ['pretrans', 'prein', 'postin', 'posttrans'] as const) {
      const s = packageScript(p, n);
      if (s && isLua(s)) out.push(s.label);
    }
    const progs: Array<[number, number, string]> = [
      [Tag.TRIGGERSCRIPTPROG, Tag.TRIGGERFLAGS, 'trigger'],
      [Tag.FILETRIGGERSCRIPTPROG, Tag.FILETRIGGERFLAGS, 'filetrigger'],
      [Tag.TRANSFILETRIGGERSCRIPTPROG, Tag.TRANSFILETRIGGERFLAGS, 'transfiletrigger'],
    ];
    for (const [progTag, flagsTag, what] of progs) {
      const installSense = p.header.numbers(flagsTag).some((f) => f & (DepFlag.TRIGGERIN | DepFlag.TRIGGERPREIN));
      if (installSense && p.header.strings(progTag).includes('<lua>')) out.push(`%${what}(${p.nevra})`);
    }
  }
  return out;
}

export async function runTransaction(opts: TransactionOptions): Promise<TransactionResult> {
  const fs = new RootFs(opts.root);
  const accounts = new RootAccounts(fs);
  const warnings: string[] = [];
  const outcomes: ScriptletOutcome[] = [];
  const pkgs = opts.packages;
  const tmpSuffix = `;${(opts.installTime >>> 0).toString(16).padStart(8, '0')}`;
  const env = { ...opts.env };
  if (opts.sourceDateEpoch !== undefined) env.SOURCE_DATE_EPOCH = String(opts.sourceDateEpoch);

  const run = async (list: Array<Scriptlet | undefined>, critical: boolean): Promise<void> => {
    if (opts.scriptlets === 'skip') return;
    for (const s of list) {
      if (!s) continue;
      if (isLua(s)) {
        warnings.push(`${s.label}: Lua scriptlet skipped`);
        continue;
      }
      const o = await runScriptlet(fs, s, env);
      accounts.invalidate();
      outcomes.push(o);
      const ok = o.exitCode === 0;
      opts.onEvent?.({ kind: 'scriptlet', outcome: o, ok });
      if (ok) continue;
      const why = o.signal ? `signal ${o.signal}` : `exit status ${o.exitCode}`;
      const tail = o.output.trim().split('\n').slice(-3).join(' | ');
      const msg = `${s.label} scriptlet failed, ${why}${tail ? `: ${tail}` : ''}`;
      if (critical || opts.strictScriptlets) throw new InstallError(msg);
      warnings.push(msg);
    }
  };

  const oldUmask = process.umask(0o022);
  // rpm opens (creates) its database before the transaction starts.
  const writer = opts.database === 'rpmdb' ? new RpmdbWriter(fs.hostPath(opts.dbpath, { create: true, followFinal: true })) : undefined;
  for (const p of pkgs) {
    for (const s of p.pkg.scripts) {
      // RPMSCRIPT_FLAG_EXPAND / _QFORMAT (%post -e / -q): rpm's macro engine and query formats.
      if (s.flags & 3) warnings.push(`${p.nevra}: %${s.name} asks for macro/queryformat expansion (-e/-q), which Strata does not do: it runs as written`);
    }
  }
  const prefetch = new PayloadPrefetcher(
    pkgs.map((p) => ({
      path: p.path,
      headerSha256: p.headerSha256,
      ...(p.fileChecksum ? { fileChecksum: p.fileChecksum } : {}),
      size: p.pkg.files.reduce((n, f) => n + f.size, 0),
    })),
    { ...(opts.jobs !== undefined ? { jobs: opts.jobs } : {}), ...(opts.memoryBudget !== undefined ? { budget: opts.memoryBudget } : {}) },
  );
  const db: DbPackage[] = [];
  const headers: Uint8Array[] = [];
  const ownedDirMtime = new Map<string, number>();
  const owned = new Map<string, number>();
  try {
    await run(pkgs.map((p) => packageScript(p, 'pretrans')), true);
    for (let i = 0; i < pkgs.length; i++) {
      const p = pkgs[i];
      opts.onEvent?.({ kind: 'package', index: i, total: pkgs.length, nevra: p.nevra });
      const entry: DbPackage = { hnum: i + 1, tx: p, plan: opts.plans[i] };
      await run(normalTriggers(db, entry, DepFlag.TRIGGERPREIN), false);
      await run([packageScript(p, 'prein')], true);
      const payload = payloadIndex(await prefetch.get(i));
      await unpackPackage({ fs, accounts, tmpSuffix, warnings, owned, ownedDirMtime }, p, opts.plans[i], payload);
      prefetch.release(i);
      const blob = installedHeaderBlob(p.header, p.signature, {
        installTime: opts.installTime,
        installTid: opts.installTime,
        installColor: opts.tsColor,
        fileStates: opts.plans[i].states,
      });
      entry.hnum = writer ? writer.add(blob) : i + 1;
      headers.push(blob);
      db.push(entry);
      await run(fileTriggers(db, entry, 1), false);
      await run([packageScript(p, 'postin')], false);
      await run(normalTriggers(db, entry, DepFlag.TRIGGERIN), false);
      await run(fileTriggers(db, entry, 2), false);
    }
    await run(pkgs.map((p) => packageScript(p, 'posttrans')), false);
    for (const entry of db) await run(transFileTriggers(db, entry), false);
    writer?.close();
    if (opts.database === 'manifest') {
      await writeRpmManifests(fs.hostPath('/var/lib/rpmmanifest', { create: true, followFinal: true }), headers.map((b) => parseHeader(b, 'installed header', { hasMagic: false }).header));
    }
    if (opts.sourceDateEpoch !== undefined) clampTimes(opts.root, opts.sourceDateEpoch, owned, ownedDirMtime);
  } catch (e) {
    writer?.discard();
    throw e;
  } finally {
    process.umask(oldUmask);
    await prefetch.close();
  }
  return { installed: db.map((d) => ({ nevra: d.tx.nevra, hnum: d.hnum })), scriptlets: outcomes, warnings, headers };
}

/**
 * Reproducible trees: directories a package owns get that package's mtime back (adding files
 * changed it), and anything else newer than SOURCE_DATE_EPOCH (scriptlet output, the database,
 * directories made on the way) is clamped to it. Package files keep their header mtimes, unless a
 * scriptlet rewrote them (e.g. /etc/passwd after a useradd): those are clamped too, or two composes
 * would differ by the second they ran in.
 */
function clampTimes(root: string, epoch: number, owned: ReadonlyMap<string, number>, dirMtime: ReadonlyMap<string, number>): void {
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      fix(p, st.isDirectory(), st.mtimeMs / 1000);
    }
  };
  const fix = (p: string, isDir: boolean, mtime: number): void => {
    const own = isDir ? dirMtime.get(p) : undefined;
    if (own !== undefined) lutimesSync(p, own, own);
    else if (mtime > epoch && owned.get(p) !== Math.floor(mtime)) lutimesSync(p, epoch, epoch);
  };
  walk(root);
  const st = lstatSync(root);
  fix(root, true, st.mtimeMs / 1000);
}
