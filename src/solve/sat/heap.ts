// Binary max-heap of variables keyed by VSIDS activity: the fallback decision heuristic when the
// caller's `decide` policy has no opinion. Ties break towards the lower variable number so that a
// fresh solver (all activities 0) decides variables in index order — deterministic, which the
// dependency solver relies on for reproducible answers.

export class VarHeap {
  /** Activity per variable (index 0 unused). */
  act = new Float64Array(1);
  private heap = new Int32Array(1);
  /** Position of each variable in `heap`, or -1 when it is not in the heap. */
  private pos = new Int32Array(1).fill(-1);
  private size = 0;

  /** Makes room for variables 1..n (new variables start outside the heap). */
  grow(n: number): void {
    if (n < this.pos.length) return;
    const cap = Math.max(n + 1, this.pos.length * 2);
    const act = new Float64Array(cap);
    act.set(this.act);
    this.act = act;
    const pos = new Int32Array(cap).fill(-1);
    pos.set(this.pos);
    this.pos = pos;
    const heap = new Int32Array(cap);
    heap.set(this.heap.subarray(0, this.size));
    this.heap = heap;
  }

  get length(): number {
    return this.size;
  }

  contains(v: number): boolean {
    return this.pos[v] >= 0;
  }

  insert(v: number): void {
    if (this.pos[v] >= 0) return;
    this.heap[this.size] = v;
    this.pos[v] = this.size;
    this.up(this.size++);
  }

  /** Removes and returns the most active variable, or 0 when the heap is empty. */
  pop(): number {
    if (this.size === 0) return 0;
    const top = this.heap[0];
    const last = this.heap[--this.size];
    this.pos[top] = -1;
    if (this.size > 0) {
      this.heap[0] = last;
      this.pos[last] = 0;
      this.down(0);
    }
    return top;
  }

  /** Adds `inc` to v's activity; returns true when activities should be rescaled. */
  bump(v: number, inc: number): boolean {
    const a = (this.act[v] += inc);
    if (this.pos[v] >= 0) this.up(this.pos[v]);
    return a > 1e100;
  }

  /** Scales all activities down (order is preserved, so the heap stays valid). */
  rescale(f: number): void {
    const act = this.act;
    for (let i = 0; i < act.length; i++) act[i] *= f;
  }

  private better(a: number, b: number): boolean {
    const x = this.act[a];
    const y = this.act[b];
    return x > y || (x === y && a < b);
  }

  private up(i: number): void {
    const heap = this.heap;
    const v = heap[i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pv = heap[p];
      if (!this.better(v, pv)) break;
      heap[i] = pv;
      this.pos[pv] = i;
      i = p;
    }
    heap[i] = v;
    this.pos[v] = i;
  }

  private down(i: number): void {
    const heap = this.heap;
    const v = heap[i];
    const n = this.size;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.better(heap[c + 1], heap[c])) c++;
      if (!this.better(heap[c], v)) break;
      heap[i] = heap[c];
      this.pos[heap[i]] = i;
      i = c;
    }
    heap[i] = v;
    this.pos[v] = i;
  }
}
