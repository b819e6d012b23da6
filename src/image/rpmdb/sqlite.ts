// rpm's sqlite database (Fedora's layout: /usr/lib/sysimage/rpm/rpmdb.sqlite) written with
// node:sqlite: the Packages table holds installed header blobs, the index tables what rpm's
// tag2index derives from them. The file is left in rollback-journal mode (rpm "parks" a database
// the same way; it switches to WAL on its next write), so it is one self-contained, reproducible
// file: the same packages added in the same order give the same bytes.

import { closeSync, fsyncSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { RootFs } from '../install/rootfs.ts';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { type Header, parseHeader } from '../../rpm/header.ts';
import { Tag } from '../../rpm/tags.ts';
import { INDEX_TABLES, PACKAGES_DDL, indexRows, indexTableDdl } from './indexes.ts';

/** Fedora's (and rpm ≥ 4.16 upstream's) database directory, relative to the root. */
export const DEFAULT_DBPATH = '/usr/lib/sysimage/rpm';
export const RPMDB_FILE = 'rpmdb.sqlite';

export class RpmdbError extends Error {
  override name = 'RpmdbError';
}

/**
 * Host path of the database file of `root` for `dbpath` (an absolute path inside the root), with
 * the root's symlinks resolved inside it.
 */
export function rpmdbPath(root: string, dbpath = DEFAULT_DBPATH): string {
  if (dbpath.split('/').some((c) => c === '..')) throw new RpmdbError(`dbpath ${dbpath}: must not contain ".."`);
  return new RootFs(root).hostPath(`${dbpath}/${RPMDB_FILE}`, { followFinal: true });
}

/**
 * Adds installed headers to a new database, one transaction per package, so that scriptlets
 * querying rpm inside the root see every package installed before them (as with rpm itself).
 */
export class RpmdbWriter {
  readonly path: string;
  private readonly db: DatabaseSync;
  private readonly insertPackage: StatementSync;
  private readonly insertIndex: StatementSync[];
  private closed = false;

  /** Creates `rpmdb.sqlite` in the (host) directory `dbDir`; an existing database there is an error. */
  constructor(dbDir: string) {
    this.path = join(dbDir, RPMDB_FILE);
    mkdirSync(dbDir, { recursive: true, mode: 0o755 });
    try {
      this.db = new DatabaseSync(this.path, { enableForeignKeyConstraints: false });
    } catch (e) {
      throw new RpmdbError(`${this.path}: ${(e as Error).message}`);
    }
    const existing = this.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'Packages'").get() as { n: number };
    if (existing.n > 0) {
      this.db.close();
      throw new RpmdbError(`${this.path}: a database already exists`);
    }
    // Durability comes from one fsync at close: the database is built, not updated in place, so
    // the rollback journal stays in memory (the file is left in rollback mode, as a parked rpmdb).
    this.db.exec('PRAGMA journal_mode = MEMORY');
    this.db.exec('PRAGMA synchronous = OFF');
    this.db.exec(PACKAGES_DDL);
    for (const t of INDEX_TABLES) for (const ddl of indexTableDdl(t)) this.db.exec(ddl);
    this.insertPackage = this.db.prepare("INSERT INTO 'Packages' VALUES(NULL, ?)");
    this.insertIndex = INDEX_TABLES.map((t) => this.db.prepare(`INSERT INTO '${t.name}' VALUES(?, ?, ?)`));
  }

  /** Adds one installed header blob (see installedHeaderBlob); returns its record number (hnum). */
  add(blob: Uint8Array): number {
    if (this.closed) throw new RpmdbError(`${this.path}: database is closed`);
    const h = parseHeader(blob, 'installed header', { hasMagic: false, regionTag: Tag.HEADERIMMUTABLE }).header;
    this.db.exec('BEGIN');
    try {
      const r = this.insertPackage.run(blob);
      const hnum = Number(r.lastInsertRowid);
      INDEX_TABLES.forEach((t, i) => {
        for (const row of indexRows(h, t)) this.insertIndex[i].run(row.key, hnum, row.idx);
      });
      this.db.exec('COMMIT');
      return hnum;
    } catch (e) {
      this.db.exec('ROLLBACK');
      throw e;
    }
  }

  /** Closes the database and flushes it to disk. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
    const fd = openSync(this.path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Closes and deletes the database (a failed compose leaves no half-written rpmdb). */
  discard(): void {
    if (!this.closed) {
      this.closed = true;
      this.db.close();
    }
    rmSync(this.path, { force: true });
    rmSync(`${this.path}-journal`, { force: true });
  }
}

/** Writes a database holding `blobs` in order (record numbers 1, 2, …) into `<root><dbpath>`. */
export function writeRpmdb(root: string, blobs: readonly Uint8Array[], dbpath = DEFAULT_DBPATH): string {
  mkdirSync(root, { recursive: true });
  const w = new RpmdbWriter(new RootFs(root).hostPath(dbpath, { create: true, followFinal: true }));
  try {
    for (const b of blobs) w.add(b);
  } catch (e) {
    w.discard();
    throw e;
  }
  w.close();
  return w.path;
}

/** One installed package as the database holds it. */
export interface RpmdbRecord {
  hnum: number;
  blob: Uint8Array;
  header: Header;
}

/** Every package of a root's sqlite database, in record order (what `rpm -qa` lists). */
export function readRpmdb(root: string, dbpath = DEFAULT_DBPATH): RpmdbRecord[] {
  const path = rpmdbPath(root, dbpath);
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path, { readOnly: true });
  } catch (e) {
    throw new RpmdbError(`${path}: ${(e as Error).message}`);
  }
  try {
    const rows = db.prepare("SELECT hnum, blob FROM 'Packages' ORDER BY hnum").all() as Array<{ hnum: number; blob: Uint8Array }>;
    return rows.map((r) => {
      const blob = new Uint8Array(r.blob);
      const header = parseHeader(blob, `${path}: record ${r.hnum}`, { hasMagic: false, regionTag: Tag.HEADERIMMUTABLE }).header;
      return { hnum: Number(r.hnum), blob, header };
    });
  } catch (e) {
    throw new RpmdbError(`${path}: ${(e as Error).message}`);
  } finally {
    db.close();
  }
}
