// Small building blocks of the pool: a string interner and a growable Int32 vector.

/** FNV-1a over UTF-16 code units: StringPool's hash (stored in pool snapshots: changing it changes their format). */
export function stringHash(s: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/**
 * Strings to dense ids. Id 0 is the empty string. An open-addressing table over stringHash rather
 * than a Map: interning a snapshot's strings with their stored hashes then costs a probe each.
 */
export class StringPool {
  readonly strings: string[] = [];
  #hashes = new Int32Array(64);
  #table = new Int32Array(128);

  constructor() {
    this.intern('');
  }

  /** The id of `s`, adding it when new; `h` is stringHash(s) when the caller already has it. */
  intern(s: string, h: number = stringHash(s)): number {
    const { strings } = this;
    const hashes = this.#hashes;
    const table = this.#table;
    const mask = table.length - 1;
    let p = h & mask;
    for (let e = table[p]; e !== 0; p = (p + 1) & mask, e = table[p]) {
      if (hashes[e - 1] === h && strings[e - 1] === s) return e - 1;
    }
    const id = strings.length;
    strings.push(s);
    if (id === hashes.length) {
      const next = new Int32Array(hashes.length * 2);
      next.set(hashes);
      this.#hashes = next;
    }
    this.#hashes[id] = h;
    table[p] = id + 1;
    if ((id + 1) * 2 > table.length) this.#rehash(table.length * 2);
    return id;
  }

  /** The id of `s`, or -1 when it was never interned. */
  lookup(s: string): number {
    const h = stringHash(s);
    const table = this.#table;
    const mask = table.length - 1;
    for (let p = h & mask, e = table[p]; e !== 0; p = (p + 1) & mask, e = table[p]) {
      if (this.#hashes[e - 1] === h && this.strings[e - 1] === s) return e - 1;
    }
    return -1;
  }

  /** Make room for `n` more strings without growing step by step. */
  reserve(n: number): void {
    const want = this.strings.length + n;
    if (want > this.#hashes.length) {
      const next = new Int32Array(want);
      next.set(this.#hashes);
      this.#hashes = next;
    }
    let size = this.#table.length;
    while (want * 2 > size) size *= 2;
    if (size !== this.#table.length) this.#rehash(size);
  }

  #rehash(size: number): void {
    const table = new Int32Array(size);
    const mask = size - 1;
    const hashes = this.#hashes;
    for (let id = 0; id < this.strings.length; id++) {
      let p = hashes[id] & mask;
      while (table[p] !== 0) p = (p + 1) & mask;
      table[p] = id + 1;
    }
    this.#table = table;
  }

  /** stringHash of every id (a copy, ids 0 … size-1). */
  hashes(): Int32Array {
    return this.#hashes.slice(0, this.strings.length);
  }

  str(id: number): string {
    return this.strings[id];
  }

  get size(): number {
    return this.strings.length;
  }
}

/** An Int32Array that grows by doubling. */
export class IntVec {
  data: Int32Array;
  length = 0;

  constructor(capacity = 16) {
    this.data = new Int32Array(Math.max(4, capacity));
  }

  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }

  /** A right-sized copy. */
  finish(): Int32Array {
    return this.data.slice(0, this.length);
  }
}
