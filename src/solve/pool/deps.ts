// Interned strings, EVRs and dependencies of a pool. A dependency id stands for (name id, relation
// bits, EVR id); the same dependency always gets the same id however it was written (rpm-md entry,
// text, rich leaf; `0:1.0` and `1.0` are one EVR). Struct of arrays: name[d], flags[d], evr[d].
import type { RepoDep } from '../../repo/model.ts';
import { isRichDependency, parseRichDep, type RichNode } from '../../rpm/richdep.ts';
import { REL_RICH, evrParts, formatEvrParts, parseRel, relToString, repoDepEvr, repoFlagsToRel, type EvrParts } from './evr.ts';
import { StringPool } from './intern.ts';

export class PoolError extends Error {
  override name = 'PoolError';
}

function depHash(name: number, flags: number, evr: number): number {
  let h = Math.imul(name, 0x9e3779b1) ^ Math.imul(evr * 8 + flags, 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 13);
}

export class DepTable {
  readonly strings = new StringPool();

  /** EVR id → canonical text / split parts. Id 0 = '' (no EVR). */
  readonly evrText: string[] = [''];
  readonly evrParts: EvrParts[] = [evrParts('')];
  readonly #evrIds = new Map<string, number>([['', 0]]);

  /** Dependency id → name (string id), relation bits (0, 1–7, REL_RICH), EVR id. Id 0 is unused. */
  readonly name: number[] = [0];
  readonly flags: number[] = [0];
  readonly evr: number[] = [0];

  // (name, relation, EVR) → dep id: open addressing, entries id + 1. Unversioned deps (flags 0 or
  // REL_RICH) are one per name whatever their flags.
  #depTable = new Int32Array(1024);
  readonly #textIds = new Map<string, number>();
  readonly #rich = new Map<number, RichNode | null>();

  internEvr(text: string): number {
    let id = this.#evrIds.get(text);
    if (id !== undefined) return id;
    const parts = evrParts(text);
    const canonical = formatEvrParts(parts.epoch, parts.version, parts.release);
    id = this.#evrIds.get(canonical);
    if (id === undefined) {
      id = this.evrText.length;
      this.evrText.push(canonical);
      this.evrParts.push(parts);
      this.#evrIds.set(canonical, id);
    }
    this.#evrIds.set(text, id);
    return id;
  }

  /** The dep id of (name id, flags, EVR id), adding it when new. */
  depId(name: number, flags: number, evr: number): number {
    const plain = flags === 0 || flags === REL_RICH;
    const e = plain ? 0 : evr;
    const f = plain ? 0 : flags;
    const table = this.#depTable;
    const mask = table.length - 1;
    let p = depHash(name, f, e) & mask;
    for (let x = table[p]; x !== 0; p = (p + 1) & mask, x = table[p]) {
      const d = x - 1;
      if (this.name[d] !== name) continue;
      const df = this.flags[d];
      if (plain ? df === 0 || df === REL_RICH : df === flags && this.evr[d] === evr) return d;
    }
    const id = this.name.length;
    this.name.push(name);
    this.flags.push(flags);
    this.evr.push(e);
    table[p] = id + 1;
    if (id * 2 > table.length) this.#rehash(table.length * 2);
    return id;
  }

  /** Make room for `n` more dependencies without growing step by step. */
  reserveDeps(n: number): void {
    let size = this.#depTable.length;
    while ((this.name.length + n) * 2 > size) size *= 2;
    if (size !== this.#depTable.length) this.#rehash(size);
  }

  #rehash(size: number): void {
    const table = new Int32Array(size);
    const mask = size - 1;
    for (let d = 1; d < this.name.length; d++) {
      const f = this.flags[d];
      const plain = f === 0 || f === REL_RICH;
      let p = depHash(this.name[d], plain ? 0 : f, plain ? 0 : this.evr[d]) & mask;
      while (table[p] !== 0) p = (p + 1) & mask;
      table[p] = d + 1;
    }
    this.#depTable = table;
  }

  /** Intern `name [flags evr]`; a name starting with '(' is a rich dep (flags REL_RICH). */
  dep(name: string, flags = 0, evr = ''): number {
    const n = this.strings.intern(name);
    if (flags === 0 || evr === '') return this.depId(n, isRichDependency(name) ? REL_RICH : 0, 0);
    return this.depId(n, flags & 7, this.internEvr(evr));
  }

  /** Intern an rpm-md `<rpm:entry>`. */
  repoDep(d: RepoDep): number {
    const flags = repoFlagsToRel(d.flags);
    return this.dep(d.name, flags, flags ? repoDepEvr(d) : '');
  }

  /** Intern a dependency written as text: `name`, `name op evr`, or a rich `( … )` expression. */
  parseDep(text: string): number {
    const t = text.trim();
    if (isRichDependency(t)) return this.dep(t);
    const parts = t.split(/\s+/);
    if (parts.length === 1 && parts[0] !== '') return this.dep(parts[0]);
    const flags = parts.length === 3 ? parseRel(parts[1]) : 0;
    if (!flags) throw new PoolError(`not a dependency: ${JSON.stringify(text)}`);
    return this.dep(parts[0], flags, parts[2]);
  }

  /** A dep id as is, or the (cached) id of a dependency text. */
  toDep(dep: number | string): number {
    if (typeof dep === 'number') return dep;
    let d = this.#textIds.get(dep);
    if (d === undefined) {
      d = this.parseDep(dep);
      this.#textIds.set(dep, d);
    }
    return d;
  }

  toString(d: number): string {
    const f = this.flags[d];
    const name = this.strings.str(this.name[d]);
    return f === 0 || f === REL_RICH ? name : `${name} ${relToString(f)} ${this.evrText[this.evr[d]]}`;
  }

  /** The parsed expression of a rich dep; undefined for plain deps and unparsable text. */
  richExpr(d: number): RichNode | undefined {
    if (this.flags[d] !== REL_RICH) return undefined;
    let expr = this.#rich.get(d);
    if (expr === undefined) {
      try {
        expr = parseRichDep(this.strings.str(this.name[d]));
      } catch {
        expr = null;
      }
      this.#rich.set(d, expr);
    }
    return expr ?? undefined;
  }
}
