// DIMACS CNF reading/writing: the lingua franca of SAT tools, handy for tests, benchmarks and for
// dumping a dependency problem to cross-check it with an external solver by hand.

export interface Cnf {
  numVars: number;
  clauses: number[][];
}

/** Parses DIMACS CNF ("c" comments, "p cnf V C" header, 0-terminated clauses). */
export function parseDimacs(text: string): Cnf {
  let numVars = 0;
  const clauses: number[][] = [];
  let cur: number[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('c') || t.startsWith('%')) continue;
    if (t.startsWith('p')) {
      const m = /^p\s+cnf\s+(\d+)\s+(\d+)/.exec(t);
      if (!m) throw new Error(`bad DIMACS header: ${t}`);
      numVars = Number(m[1]);
      continue;
    }
    for (const tok of t.split(/\s+/)) {
      const n = Number(tok);
      if (!Number.isInteger(n)) throw new Error(`bad DIMACS literal: ${tok}`);
      if (n === 0) {
        clauses.push(cur);
        cur = [];
      } else {
        cur.push(n);
        if (Math.abs(n) > numVars) numVars = Math.abs(n);
      }
    }
  }
  if (cur.length > 0) clauses.push(cur);
  return { numVars, clauses };
}

export function formatDimacs(cnf: Cnf): string {
  const lines = [`p cnf ${cnf.numVars} ${cnf.clauses.length}`];
  for (const c of cnf.clauses) lines.push(`${c.join(' ')} 0`);
  return lines.join('\n') + '\n';
}
