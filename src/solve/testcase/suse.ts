// SUSE dependency rewriting as libsolv applies it to testtags version 2 repos and `genid susedep`
// (src/suse.c repo_fix_supplements / repo_fix_conflicts): old-style `locale(…)`, `modalias(…)`,
// `packageand(…)`, `otherproviders(…)` … strings become namespace / boolean deps.
import { REL, relOpName, type TcDep } from './dep.ts';

const name = (n: string): TcDep => ({ kind: 'name', name: n });
const rel = (flags: number, a: TcDep, b: TcDep): TcDep => ({ kind: 'rel', flags, op: relOpName(flags), name: a, evr: b });
const ns = (space: string, arg: TcDep): TcDep => rel(REL.NAMESPACE, name(`namespace:${space}`), arg);
const join = (flags: number, acc: TcDep | undefined, next: TcDep): TcDep => (acc ? rel(flags, acc, next) : next);

/** The body of `prefix(body)`, or undefined unless it has ≥ 2 chars and ends in ')'. */
function inner(dep: string, prefix: string): string | undefined {
  if (!dep.startsWith(prefix) || dep.length < prefix.length + 2 || !dep.endsWith(')')) return undefined;
  return dep.slice(prefix.length, -1);
}

// fix_namespace_dep_norel
function fixNamespaceLeaf(dep: string): TcDep | undefined {
  let body = inner(dep, 'modalias(');
  if (body !== undefined) {
    const colon = body.indexOf(':');
    if (colon >= 0 && body.indexOf(':', colon + 1) >= 0) {
      return rel(REL.AND, name(body.slice(0, colon)), ns('modalias', name(body.slice(colon + 1))));
    }
    return ns('modalias', name(body));
  }
  body = inner(dep, 'filesystem(');
  if (body !== undefined) return ns('filesystem', name(body));
  body = inner(dep, 'language(');
  if (body !== undefined && !body.startsWith(';')) {
    let id: TcDep | undefined;
    for (const lang of body.split(';')) id = join(REL.OR, id, ns('language', name(lang)));
    return id;
  }
  return undefined;
}

function fixNamespace(dep: TcDep): TcDep {
  if (dep.kind === 'name') return fixNamespaceLeaf(dep.name) ?? dep;
  if (dep.kind !== 'rel') return dep;
  const f = dep.flags;
  if (f !== REL.AND && f !== REL.OR && f !== REL.COND && f !== REL.UNLESS && f !== REL.ELSE) return dep;
  return rel(f, fixNamespace(dep.name), fixNamespace(dep.evr));
}

// `packageand(a:b:pattern:c)` → (a & b) & pattern:c
function packageAnd(dep: string): TcDep | undefined {
  if (!dep.startsWith('packageand(')) return undefined;
  let rest = dep.slice(11);
  let id: TcDep | undefined;
  for (;;) {
    let p = rest.indexOf(':');
    if (p < 0) break;
    if (p === 0) {
      rest = rest.slice(1);
      continue;
    }
    if (p === 7 && rest.startsWith('pattern')) {
      p = rest.indexOf(':', p + 1);
      if (p < 0) break;
    }
    id = join(REL.AND, id, name(rest.slice(0, p)));
    rest = rest.slice(p + 1);
  }
  if (rest.length >= 2) id = join(REL.AND, id, name(rest.slice(0, -1)));
  return id;
}

/** A provide that implies a supplement: `locale([pkg:]l1;l2)` or split provides `pkg:/file`. */
export function supplementFromProvide(dep: TcDep): TcDep | undefined {
  if (dep.kind !== 'name') return undefined;
  const s = dep.name;
  if (s.startsWith('locale(')) {
    let bp = s.slice(7);
    let pkg: TcDep | undefined;
    const colon = bp.indexOf(':');
    if (colon > 0) {
      pkg = name(bp.slice(0, colon));
      bp = bp.slice(colon + 1);
    }
    let id: TcDep | undefined;
    for (let semi = bp.indexOf(';'); semi >= 0; semi = bp.indexOf(';')) {
      if (semi > 0) id = join(REL.OR, id, ns('language', name(bp.slice(0, semi))));
      bp = bp.slice(semi + 1);
    }
    if (bp.length >= 2) {
      const close = bp.indexOf(')');
      id = join(REL.OR, id, ns('language', name(close >= 0 ? bp.slice(0, close) : bp)));
    }
    if (id && pkg) id = rel(REL.AND, pkg, id);
    return id;
  }
  const colon = s.indexOf(':');
  if (colon > 0 && s[colon + 1] === '/') {
    const file = s.slice(colon + 1).replace(/(?<=.)\/+$/, '');
    return ns('splitprovides', rel(REL.WITH, name(s.slice(0, colon)), name(file)));
  }
  return undefined;
}

/** repo_fix_supplements on one supplement. */
export function fixSupplement(dep: TcDep): TcDep {
  if (dep.kind === 'rel') return fixNamespace(dep);
  if (dep.kind !== 'name') return dep;
  const s = dep.name;
  if (s.startsWith('modalias(') || s.startsWith('filesystem(') || s.startsWith('language(')) return fixNamespace(dep);
  return packageAnd(s) ?? dep;
}

/** repo_fix_conflicts on one conflict: `otherproviders(x)` → `namespace:otherproviders(x)`. */
export function fixConflict(dep: TcDep): TcDep {
  if (dep.kind === 'name' && dep.name.startsWith('otherproviders(') && dep.name.length > 15) {
    return ns('otherproviders', name(dep.name.slice(15, -1)));
  }
  return dep;
}

/** pool_rewrite_suse_dep, as `genid susedep solvable:<key>` uses it; undefined for other keys (id 0). */
export function rewriteSuseDep(key: string, dep: TcDep): TcDep | undefined {
  if (key === 'solvable:provides') return supplementFromProvide(dep);
  if (key === 'solvable:supplements') return fixSupplement(dep);
  if (key === 'solvable:conflicts') return fixConflict(dep);
  return undefined;
}
