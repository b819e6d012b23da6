// testsolv's `genid` commands: a small stack machine building dependencies (libsolv
// ext/testcase.c): `genid lit <s>` pushes a string, `genid null` id 0, `genid dep <dep>` a parsed
// dependency, `genid op <op>` pops two and pushes the relation, `genid susedep <key>` rewrites the
// top with libsolv's SUSE dependency rewriting.
import { REL, relOpName, rewriteSuseDep, type TcDep, type TcPart } from '../testcase/index.ts';
import { UnsupportedTestcase } from './tc-pool.ts';

/** The testcase op names (repo_testcase.c's oplist), longest first for prefix matching. */
const OP_NAMES: readonly (readonly [number, string])[] = [1, 2, 3, 4, 5, 6, 7, ...Object.values(REL).filter((f) => f >= 8)]
  .map((f) => [f, relOpName(f)] as const)
  .filter(([, n]) => !/^<\d+>$/.test(n))
  .sort((a, b) => b[1].length - a[1].length);

/** The op whose name the text starts with (libsolv compares with strncmp over the op's length). */
export function genidOp(text: string): number | undefined {
  return OP_NAMES.find(([, n]) => text.startsWith(n))?.[0];
}

/** The stack after a part's `genid` lines (bottom first). */
export function runGenids(part: TcPart): TcDep[] {
  const stack: TcDep[] = [];
  for (const g of part.genids) {
    let id: TcDep;
    if (g.cmd === 'op' && g.arg !== '') {
      const flags = genidOp(g.arg);
      // libsolv stops reading the testcase on these errors.
      if (flags === undefined) throw new UnsupportedTestcase(`genid: unknown op '${g.arg}'`);
      if (stack.length < 2) throw new UnsupportedTestcase('genid: out of stack');
      const evr = stack.pop() as TcDep;
      const name = stack.pop() as TcDep;
      id = { kind: 'rel', flags, op: relOpName(flags), name, evr };
    } else if (g.cmd === 'lit') id = { kind: 'name', name: g.arg };
    else if (g.cmd === 'null') id = { kind: 'null' };
    else if (g.cmd === 'dep' && g.dep) id = g.dep;
    else if (g.cmd === 'susedep') {
      if (!stack.length) throw new UnsupportedTestcase('genid: out of stack');
      id = rewriteSuseDep(g.arg, stack.pop() as TcDep) ?? { kind: 'null' };
    } else throw new UnsupportedTestcase(`genid: unknown command '${g.cmd}'`);
    stack.push(id);
  }
  return stack;
}
