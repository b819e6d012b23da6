// rpm's secondary indexes (lib/rpmdb.c dbiTags and tag2index) and the exact sqlite schema its
// backend creates for them (lib/backend/sqlite.c init_table/init_index): which keys a header puts
// in which table, with the same filtering — install-only prerequisites left out of Requirename,
// duplicate trigger names once, file trigger rows carrying their trigger index, rich dependencies
// also indexed by the names inside them ("!name" for negated conditions).

import { type Header, TagType } from '../../rpm/header.ts';
import { DepFlag } from '../../rpm/model.ts';
import { parseRichDep, type RichExpr } from '../../rpm/richdep.ts';
import { Tag } from '../../rpm/tags.ts';

/** One index table: rpm's name for it (the tag name, capitalised) and the header tag it indexes. */
export interface IndexTable {
  name: string;
  tag: number;
  /** The key column type: TEXT for string tags, BLOB otherwise. */
  text: boolean;
  /** rpm indexes `hnum` too for tags that return arrays. */
  array: boolean;
}

/** rpm 4.18's dbiTags, in its order (the order tables are created and filled). */
export const INDEX_TABLES: readonly IndexTable[] = [
  { name: 'Name', tag: Tag.NAME, text: true, array: false },
  { name: 'Basenames', tag: Tag.BASENAMES, text: true, array: true },
  { name: 'Group', tag: Tag.GROUP, text: true, array: false },
  { name: 'Requirename', tag: Tag.REQUIRENAME, text: true, array: true },
  { name: 'Providename', tag: Tag.PROVIDENAME, text: true, array: true },
  { name: 'Conflictname', tag: Tag.CONFLICTNAME, text: true, array: true },
  { name: 'Obsoletename', tag: Tag.OBSOLETENAME, text: true, array: true },
  { name: 'Triggername', tag: Tag.TRIGGERNAME, text: true, array: true },
  { name: 'Dirnames', tag: Tag.DIRNAMES, text: true, array: true },
  { name: 'Installtid', tag: Tag.INSTALLTID, text: false, array: false },
  { name: 'Sigmd5', tag: Tag.SIGMD5, text: false, array: false },
  { name: 'Sha1header', tag: Tag.SHA1HEADER, text: true, array: false },
  { name: 'Filetriggername', tag: Tag.FILETRIGGERNAME, text: true, array: true },
  { name: 'Transfiletriggername', tag: Tag.TRANSFILETRIGGERNAME, text: true, array: true },
  { name: 'Recommendname', tag: Tag.RECOMMENDNAME, text: true, array: true },
  { name: 'Suggestname', tag: Tag.SUGGESTNAME, text: true, array: true },
  { name: 'Supplementname', tag: Tag.SUPPLEMENTNAME, text: true, array: true },
  { name: 'Enhancename', tag: Tag.ENHANCENAME, text: true, array: true },
];

/** The primary table, as rpm's sqlite backend creates it. */
export const PACKAGES_DDL = "CREATE TABLE IF NOT EXISTS 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT,blob BLOB NOT NULL)";

/** CREATE statements for one index table and its indexes, text as rpm's backend writes them. */
export function indexTableDdl(t: IndexTable): string[] {
  const out = [
    `CREATE TABLE IF NOT EXISTS '${t.name}' (key '${t.text ? 'TEXT' : 'BLOB'}' NOT NULL, hnum INTEGER NOT NULL, idx INTEGER NOT NULL, FOREIGN KEY (hnum) REFERENCES 'Packages'(hnum))`,
  ];
  if (t.text) out.push(`CREATE INDEX IF NOT EXISTS '${t.name}_key_idx' ON '${t.name}'(key ASC)`);
  if (t.array) out.push(`CREATE INDEX IF NOT EXISTS '${t.name}_hnum_idx' ON '${t.name}'(hnum ASC)`);
  return out;
}

/** One row of an index table (hnum is added by the writer). */
export interface IndexRow {
  key: string | Uint8Array;
  idx: number;
}

// isTransientReq (rpmds.h): prerequisites needed only while installing are not indexed.
const NOTPRE = ~DepFlag.PREREQ;
const INSTALL_ONLY = (DepFlag.SCRIPT_PRE | DepFlag.SCRIPT_POST | DepFlag.RPMLIB | DepFlag.KEYRING | DepFlag.PRETRANS | DepFlag.POSTTRANS) & NOTPRE;
const ERASE_ONLY = (DepFlag.SCRIPT_PREUN | DepFlag.SCRIPT_POSTUN | DepFlag.PREUNTRANS | DepFlag.POSTUNTRANS) & NOTPRE;
export function isTransientRequire(flags: number): boolean {
  return (flags & INSTALL_ONLY) !== 0 && (flags & ERASE_ONLY) === 0 && (flags & DepFlag.META) === 0;
}

const RICH_INDEXED = new Set<number>([Tag.REQUIRENAME, Tag.CONFLICTNAME, Tag.SUGGESTNAME, Tag.SUPPLEMENTNAME, Tag.RECOMMENDNAME, Tag.ENHANCENAME]);

/**
 * The names inside a rich dependency as rpm indexes them (lib/rpmdb.c updateRichDepCB): every simple
 * name except rpmlib(), prefixed "!" where a condition negates it (an if/unless condition, and the
 * inverted copy an else branch adds), sorted bytewise and deduplicated.
 */
export function richIndexNames(dep: string): string[] {
  let expr: RichExpr;
  try {
    expr = parseRichDep(dep);
  } catch {
    return [];
  }
  const names: string[] = [];
  const levelStart: number[] = [];
  let neg = false;
  const leaf = (name: string): void => {
    if (!name || (name.length > 7 && name.startsWith('rpmlib('))) return;
    names.push((neg ? '!' : ' ') + name);
  };
  const elseCopy = (from: number): void => {
    const end = names.length;
    for (let i = from; i < end; i++) names.push((names[i][0] === '!' ? ' ' : '!') + names[i].slice(1));
    neg = !neg;
  };
  // Replays rpmrichParse's callback events (enter, simple, op, leave) over the parsed tree.
  const walk = (e: RichExpr): void => {
    if (e.kind === 'dep') return leaf(e.name);
    levelStart.push(names.length);
    const level = levelStart.length - 1;
    let lastOp = '';
    switch (e.kind) {
      case 'group':
        walk(e.expr);
        break;
      case 'and':
      case 'or':
      case 'with':
        e.operands.forEach((o, i) => {
          if (i > 0) lastOp = e.kind;
          walk(o);
        });
        break;
      case 'if':
      case 'unless':
        walk(e.then);
        lastOp = e.kind;
        levelStart[level] = names.length;
        neg = !neg;
        walk(e.cond);
        if (e.else) {
          lastOp = 'else';
          elseCopy(levelStart[level]);
          walk(e.else);
        }
        break;
      case 'without':
        walk(e.left);
        lastOp = 'without';
        walk(e.right);
        break;
      case 'else':
        walk(e.left);
        lastOp = 'else';
        elseCopy(levelStart[level]);
        walk(e.right);
        break;
    }
    levelStart.pop();
    if (lastOp === 'if' || lastOp === 'unless') neg = !neg;
  };
  walk(expr);
  const sorted = names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const out: string[] = [];
  sorted.forEach((n, i) => {
    if (i > 0 && sorted[i - 1] === n) return;
    out.push(n[0] === ' ' ? n.slice(1) : n);
  });
  return out;
}

/** Key bytes of one integer/binary value as rpm's td2key passes it: host (little-endian) order. */
function binaryKeys(h: Header, tag: number): Uint8Array[] {
  const e = h.entry(tag);
  if (!e) return [];
  if (e.type === TagType.BIN) return [Uint8Array.from(h.bytes(tag)!)];
  const size = e.type === TagType.INT64 ? 8 : e.type === TagType.INT32 ? 4 : e.type === TagType.INT16 ? 2 : 1;
  return h.numbers(tag).map((v) => {
    const b = new Uint8Array(size);
    const dv = new DataView(b.buffer);
    if (size === 8) dv.setBigUint64(0, BigInt(v), true);
    else if (size === 4) dv.setUint32(0, v, true);
    else if (size === 2) dv.setUint16(0, v, true);
    else b[0] = v;
    return b;
  });
}

/** The rows one installed header contributes to an index table (rpm's tag2index). */
export function indexRows(h: Header, t: IndexTable): IndexRow[] {
  if (!t.text) return binaryKeys(h, t.tag).map((key, i) => ({ key, idx: i }));
  let values = t.tag === Tag.GROUP || t.tag === Tag.NAME || t.tag === Tag.SHA1HEADER ? (h.has(t.tag) ? [h.string(t.tag)!] : []) : h.strings(t.tag);
  // rpm keeps the legacy "Unknown" group for packages without one.
  if (values.length === 0 && t.tag === Tag.GROUP) values = ['Unknown'];
  const flags = t.tag === Tag.REQUIRENAME ? h.numbers(Tag.REQUIREFLAGS) : undefined;
  const trigIndex =
    t.tag === Tag.FILETRIGGERNAME ? h.numbers(Tag.FILETRIGGERINDEX) : t.tag === Tag.TRANSFILETRIGGERNAME ? h.numbers(Tag.TRANSFILETRIGGERINDEX) : undefined;
  const rows: IndexRow[] = [];
  values.forEach((key, i) => {
    if (flags && flags[i] !== undefined && isTransientRequire(flags[i])) return;
    if (t.tag === Tag.TRIGGERNAME && values.indexOf(key) < i) return;
    const idx = trigIndex ? (trigIndex[i] ?? 0) : i;
    rows.push({ key, idx });
    if (key.startsWith('(') && RICH_INDEXED.has(t.tag)) for (const n of richIndexNames(key)) rows.push({ key: n, idx });
  });
  return rows;
}
