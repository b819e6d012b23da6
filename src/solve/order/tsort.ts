// rpm 4.18's topological sort (lib/order.c): Tarjan's strongly connected components over the
// "required by" edges, then a queue ordered by how many elements depend on each, installs first
// and erases second; a loop is entered at its representative and unwound from the member farthest
// (along requires) from any member with a prerequisite, as rpm's multi-source BFS ("dijkstra")
// picks it. rpm keeps its queues as singly linked lists threaded through the elements and hands
// around pointers to link fields; `next` below holds those fields (one per element, then a few
// for the local head/tail variables) so the same insertions give the same ties.
import type { Edge, Graph } from './relations.ts';

const NIL = -1;
const INT_MAX = 2147483647;

export interface Component {
  members: number[];
  /** External prerequisites still to be satisfied before the component can start (rpm's count). */
  count: number;
  /** The count as computed, before the sort consumed it. */
  externalDeps: number;
}

export interface SortOutput {
  order: number[];
  /** Non-trivial components, rpm's SCC #1, #2, … */
  components: Component[];
}

export function tsort(g: Graph, prefColor = 0): SortOutput {
  return new Sorter(g, prefColor).run();
}

class Sorter {
  readonly #g: Graph;
  readonly #pref: number;
  /** Unsatisfied dependencies per element (tsi_count). */
  readonly #count: Int32Array;
  /** Dependents per element (tsi_qcnt), the queue's sort key. */
  readonly #qcnt: Int32Array;
  /** 0 = collected, 1 = trivial component, ≥ 2 = component number (tsi_SccIdx; negative in Tarjan). */
  readonly #scc: Int32Array;
  /** Tarjan's lowlink, then the BFS distance (tsi_SccLowlink). */
  readonly #low: Float64Array;
  readonly #next: Int32Array;
  // Slots in #next for rpmtsOrder's q/r and collectSCC's locals.
  readonly #head: number;
  readonly #tail: number;
  readonly #outer: number;
  readonly #innerHead: number;
  readonly #innerTail: number;
  /** Index = component number; 0 and 1 unused as in rpm. */
  readonly #comps: (Component | undefined)[] = [undefined, undefined];
  readonly #order: number[] = [];

  constructor(g: Graph, prefColor: number) {
    const n = g.n;
    this.#g = g;
    this.#pref = prefColor;
    this.#count = Int32Array.from(g.pred, (l) => l.length);
    this.#qcnt = Int32Array.from(g.succ, (l) => l.length);
    this.#scc = new Int32Array(n);
    this.#low = new Float64Array(n);
    this.#next = new Int32Array(n + 5).fill(NIL);
    [this.#head, this.#tail, this.#outer, this.#innerHead, this.#innerTail] = [n, n + 1, n + 2, n + 3, n + 4];
  }

  run(): SortOutput {
    const g = this.#g;
    this.#tarjanAll();
    const comps = this.#comps.slice(2) as Component[];
    for (const erasePass of [false, true]) {
      const next = this.#next;
      next[this.#head] = NIL;
      next[this.#tail] = NIL;
      for (let e = 0; e < g.n; e++) {
        if (g.erase[e] !== erasePass || this.#count[e] !== 0) continue;
        next[e] = NIL;
        this.#addQ(e, this.#head, this.#tail);
      }
      // Loops nothing outside them is waiting on start from their first member.
      for (const c of comps) {
        if (c.count === 0 && g.erase[c.members[0]] === erasePass) this.#addQ(c.members[0], this.#head, this.#tail);
      }
      while (next[this.#head] !== NIL) {
        const q = next[this.#head];
        if (this.#scc[q] > 1) this.#collectComponent(q);
        else this.#collect(q, this.#tail, NIL, NIL);
        next[this.#head] = next[q];
      }
    }
    return { order: this.#order, components: comps };
  }

  /** Insert into the list at slot `head` before the first element with no more dependents. */
  #addQ(p: number, head: number, tail: number): void {
    const next = this.#next;
    if (next[tail] === NIL) {
      next[tail] = p;
      next[head] = p;
      return;
    }
    const color = this.#g.color;
    const pc = color[p];
    // Elements of the preferred colour go towards the head on install, the tail on erase.
    const tailcond = this.#g.erase[p] ? pc !== 0 && pc === this.#pref : pc !== 0 && pc !== this.#pref;
    let prev = NIL;
    let q = next[head];
    for (; q !== NIL; prev = q, q = next[q]) {
      if (tailcond && pc !== color[q]) continue;
      if (this.#qcnt[q] <= this.#qcnt[p]) break;
    }
    if (prev === NIL) {
      next[p] = q;
      next[head] = p;
    } else if (q === NIL) {
      next[prev] = p;
      next[tail] = p;
    } else {
      next[p] = q;
      next[prev] = p;
    }
  }

  /**
   * collectTE: emit `q` and release what waited on it. Inside a loop, elements outside it that
   * become free go to the outer queue (`outer`/`outerTail`), members to the inner one after `q`.
   */
  #collect(q: number, tail: number, outer: number, outerTail: number): void {
    this.#order.push(q);
    const scc = this.#scc;
    const succ = this.#g.succ[q];
    for (let i = succ.length - 1; i >= 0; i--) {
      const p = succ[i].req;
      if (scc[p] === 0 || p === q) continue;
      if (--this.#count[p] === 0) {
        if (scc[q] > 1 && scc[q] !== scc[p]) this.#addQ(p, outer, outerTail);
        else this.#addQ(p, q, tail);
      }
      if (scc[p] > 1 && scc[p] !== scc[q]) {
        const c = this.#comps[scc[p]] as Component;
        // The loop has nothing left to wait for outside itself: it enters at this member.
        if (--c.count === 0) {
          if (outer !== NIL) this.#addQ(p, outer, outerTail);
          else this.#addQ(p, q, tail);
        }
      }
    }
    scc[q] = 0;
  }

  /** collectSCC: unwind the loop `p` represents, starting from the best-placed member each time. */
  #collectComponent(p: number): void {
    const next = this.#next;
    const c = this.#comps[this.#scc[p]] as Component;
    next[this.#outer] = next[p];
    next[p] = NIL;
    this.#distances(c, this.#scc[p]);
    for (;;) {
      let best = NIL;
      let bestScore = 0;
      for (const m of c.members) {
        if (this.#scc[m] === 0) continue;
        if (this.#low[m] >= bestScore) {
          best = m;
          bestScore = this.#low[m];
        }
      }
      if (best === NIL) break;
      next[this.#innerHead] = NIL;
      next[this.#innerTail] = NIL;
      this.#addQ(best, this.#innerHead, this.#innerTail);
      while (next[this.#innerHead] !== NIL) {
        const cur = next[this.#innerHead];
        this.#collect(cur, this.#innerTail, this.#outer, this.#tail);
        next[this.#innerHead] = next[cur];
      }
    }
    next[p] = next[this.#outer];
  }

  /**
   * rpm's "dijkstra": distance along requires from the members whose first in-loop dependency is
   * a prerequisite; unreachable members stay at INT_MAX. The member picked to go first is the
   * farthest one, so the prerequisites' providers come before their users.
   */
  #distances(c: Component, nr: number): void {
    const { pred } = this.#g;
    const low = this.#low;
    const scc = this.#scc;
    const queue: number[] = [];
    for (const m of c.members) {
      low[m] = INT_MAX;
      const list = pred[m];
      for (let i = list.length - 1; i >= 0; i--) {
        const e = list[i];
        if (e.flags !== 0 && scc[e.dep] === nr) {
          if (e.dep !== m) {
            low[m] = 0;
            queue.push(m);
          } else low[m] = Math.floor(INT_MAX / 2);
          break;
        }
      }
    }
    if (queue.length === 0) for (const m of c.members) if (low[m] !== INT_MAX) queue.push(m);
    for (let at = 0; at < queue.length; at++) {
      const t = queue[at];
      const list = pred[t];
      for (let i = list.length - 1; i >= 0; i--) {
        const nx = list[i].dep;
        if (scc[nx] !== nr) continue;
        if (low[nx] > low[t] + 1) {
          low[nx] = low[t] + 1;
          queue.push(nx);
        }
      }
    }
  }

  /** Tarjan from each element in transaction order, iteratively (deep chains are common). */
  #tarjanAll(): void {
    const { n, succ } = this.#g;
    const scc = this.#scc;
    const low = this.#low;
    const stack: number[] = [];
    let index = 0;
    // Explicit DFS frames: element and how many of its edges (walked from the end) are done.
    const frames: { v: number; i: number }[] = [];
    const enter = (v: number): void => {
      index--;
      scc[v] = index;
      low[v] = index;
      stack.push(v);
      frames.push({ v, i: succ[v].length - 1 });
    };
    for (let root = 0; root < n; root++) {
      if (scc[root] !== 0) continue;
      enter(root);
      while (frames.length > 0) {
        const f = frames[frames.length - 1];
        const v = f.v;
        let descended = false;
        while (f.i >= 0) {
          const w = succ[v][f.i--].req;
          if (scc[w] > 0) continue;
          if (scc[w] === 0) {
            enter(w);
            descended = true;
            break;
          }
          low[v] = Math.max(low[v], scc[w]);
        }
        if (descended) continue;
        frames.pop();
        this.#finish(v, stack);
        const parent = frames.at(-1);
        if (parent) low[parent.v] = Math.max(low[parent.v], low[v]);
      }
    }
  }

  #finish(v: number, stack: number[]): void {
    const scc = this.#scc;
    if (this.#low[v] !== scc[v]) return;
    if (stack[stack.length - 1] === v) {
      stack.pop();
      scc[v] = 1;
      return;
    }
    const nr = this.#comps.length;
    const start = stack.lastIndexOf(v);
    const members = stack.splice(start);
    for (const m of members) scc[m] = nr;
    let count = 0;
    for (const m of members) {
      count += this.#count[m];
      for (const e of this.#g.succ[m]) if (e.req !== m && scc[e.req] === nr) count--;
    }
    this.#comps.push({ members, count, externalDeps: count });
  }
}

export type { Edge };
