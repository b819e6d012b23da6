// Component selectors, as azldev's: -a (all), -p PATTERN (name or glob), -g GROUP, -s SPEC path.

import { basename, extname, resolve } from 'node:path';
import { ProjectConfigError } from './errors.ts';
import { globMatch, isGlobPattern } from './glob.ts';
import type { ResolvedComponent } from './resolve.ts';

export interface ComponentSelector {
  all?: boolean;
  /** Exact names or globs (`*`, `?`, `[…]`); an exact name that matches nothing is an error. */
  patterns?: string[];
  groups?: string[];
  /** Spec file paths (relative to the working directory). */
  specPaths?: string[];
}

export function selectorIsEmpty(s: ComponentSelector): boolean {
  return !s.all && !s.patterns?.length && !s.groups?.length && !s.specPaths?.length;
}

/** The selected components, in name order, each once. `groupNames` are the project's groups. */
export function selectComponents(all: ResolvedComponent[], s: ComponentSelector, groupNames: string[]): ResolvedComponent[] {
  if (s.all) return all;
  const byName = new Map(all.map((c) => [c.name, c]));
  const picked = new Set<string>();
  for (const p of s.patterns ?? []) {
    if (isGlobPattern(p)) {
      for (const c of all) if (globMatch(p, c.name)) picked.add(c.name);
    } else if (byName.has(p)) picked.add(p);
    else throw new ProjectConfigError(`component not found: "${p}"`);
  }
  for (const g of s.groups ?? []) {
    if (!groupNames.includes(g)) throw new ProjectConfigError(`component group not found: "${g}"`);
    for (const c of all) if (c.groups.includes(g)) picked.add(c.name);
  }
  for (const sp of s.specPaths ?? []) {
    const abs = resolve(sp);
    const c = all.find((x) => x.config.spec?.path === abs) ?? byName.get(basename(abs, extname(abs)));
    if (!c) throw new ProjectConfigError(`no component has the spec ${sp}`);
    picked.add(c.name);
  }
  return all.filter((c) => picked.has(c.name));
}
