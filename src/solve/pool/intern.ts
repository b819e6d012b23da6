// Small building blocks of the pool: a string interner and a growable Int32 vector.

/** Strings to dense ids. Id 0 is the empty string. */
export class StringPool {
  readonly strings: string[] = [''];
  readonly #ids = new Map<string, number>([['', 0]]);

  /** The id of `s`, adding it when new. */
  intern(s: string): number {
    let id = this.#ids.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.#ids.set(s, id);
    }
    return id;
  }

  /** The id of `s`, or -1 when it was never interned. */
  lookup(s: string): number {
    return this.#ids.get(s) ?? -1;
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
