// `strata component list` and `strata component update` over an azldev project's components.

import { relative } from 'node:path';
import type { ParseArgsOptionsConfig } from 'node:util';
import type { ComponentSelector, Project, ResolvedComponent, UpdateResult } from '../project/index.ts';
import type { Command } from './command.ts';
import { openProject, PROJECT_HELP, PROJECT_OPTIONS, projectErrors, reportWarnings } from './config.ts';
import { UsageError } from './errors.ts';
import type { Output } from './output.ts';

export const SELECTOR_OPTIONS: ParseArgsOptionsConfig = {
  'all-components': { type: 'boolean', short: 'a' },
  component: { type: 'string', short: 'p', multiple: true },
  'component-group': { type: 'string', short: 'g', multiple: true },
  'spec-path': { type: 'string', short: 's', multiple: true },
};

export const SELECTOR_HELP: Array<[string, string]> = [
  ['-a, --all-components', 'every component'],
  ['-p, --component NAME|GLOB', 'components by name or glob (also as arguments); repeatable'],
  ['-g, --component-group GROUP', 'the members of a component group; repeatable'],
  ['-s, --spec-path FILE', 'the component of a local spec file; repeatable'],
];

export function selectorFrom(v: Record<string, unknown>, positionals: string[]): ComponentSelector {
  return {
    all: Boolean(v['all-components']),
    patterns: [...positionals, ...((v.component as string[] | undefined) ?? [])],
    groups: (v['component-group'] as string[] | undefined) ?? [],
    specPaths: (v['spec-path'] as string[] | undefined) ?? [],
  };
}

/** The project's components the selector names (a usage error when it names none). */
export async function selectedComponents(command: string, project: Project, s: ComponentSelector): Promise<ResolvedComponent[]> {
  const p = await import('../project/index.ts');
  if (p.selectorIsEmpty(s)) throw new UsageError(`${command}: no components selected: give names, -p GLOB, -g GROUP, -s SPEC or -a`);
  return projectErrors(() => p.selectComponents(p.resolveComponents(project), s, Object.keys(project.config.componentGroups)));
}

/** Where a component's spec comes from: a path (local) or upstream name, distro and pin. */
function componentSource(project: Project, c: ResolvedComponent): string {
  const spec = c.config.spec;
  if (spec?.path) return relative(project.rootDir, spec.path);
  if (spec?.type !== 'upstream') return '';
  const d = spec.upstreamDistro;
  const distro = d?.name ? `${d.name}${d.version ? ` ${d.version}` : ''}` : 'default distro';
  const pin = spec.upstreamCommit ? ` @${spec.upstreamCommit.slice(0, 12)}` : '';
  return `${spec.upstreamName || c.name} (${distro}${pin})`;
}

export const componentList: Command = {
  name: 'component list',
  summary: 'List the project components: spec type, source, overlay count and groups',
  usage: '[options] [NAME|GLOB...]',
  optionHelp: [...SELECTOR_HELP, ...PROJECT_HELP],
  examples: [
    'strata component list -a -C azurelinux/',
    'strata component list -p "kernel*" -o json',
    'strata component list -g check-skip-initial-failures -o csv',
  ],
  options: { ...SELECTOR_OPTIONS, ...PROJECT_OPTIONS },
  async run({ out }, v, positionals) {
    const project = await openProject(out, v);
    const comps = await selectedComponents('component list', project, selectorFrom(v, positionals));
    reportWarnings(out, project);
    if (out.format === 'json') {
      out.json(
        comps.map((c) => ({
          name: c.name,
          specType: c.config.spec?.type ?? '',
          source: componentSource(project, c),
          overlays: c.config.overlays?.length ?? 0,
          groups: c.groups,
          configFile: c.configFile,
          config: c.config,
        })),
      );
      return;
    }
    out.table(
      ['NAME', 'SPEC', 'SOURCE', 'OVERLAYS', 'GROUPS'],
      comps.map((c) => [c.name, c.config.spec?.type || '-', componentSource(project, c), c.config.overlays?.length ?? 0, c.groups.join(' ')]),
    );
  },
};

function printUpdate(out: Output, results: UpdateResult[]): void {
  if (out.format === 'json') {
    out.json(results);
    return;
  }
  const shown = out.verbose ? results : results.filter((r) => r.status !== 'unchanged');
  if (shown.length) {
    out.table(
      ['COMPONENT', 'STATUS', 'UPSTREAM COMMIT', 'FINGERPRINT', 'REASON'],
      shown.map((r) => [r.component, r.status, r.upstreamCommit?.slice(0, 12) ?? '', r.fingerprint?.slice(0, 19) ?? '', r.reason ?? '']),
    );
  }
}

export const componentUpdate: Command = {
  name: 'component update',
  summary: 'Write or refresh the lock files of components (upstream commit, input fingerprint); --check-only for CI',
  usage: '[options] [NAME|GLOB...]',
  optionHelp: [
    ['--check-only', 'write nothing; exit 1 if any lock is missing, stale, orphaned or unresolvable'],
    ['--bump', 'increment manual-bump (a rebuild with no other change) of existing locks'],
    ['--offline', 'do not ask dist-git: only pins and current locks give upstream commits'],
    ...SELECTOR_HELP,
    ['', 'with -a, lock files of components no longer in the project are removed'],
    ...PROJECT_HELP,
  ],
  examples: [
    'strata component update -a',
    'strata component update -a --check-only -q   # CI gate',
    'strata component update --bump kernel',
  ],
  options: { 'check-only': { type: 'boolean' }, bump: { type: 'boolean' }, offline: { type: 'boolean' }, ...SELECTOR_OPTIONS, ...PROJECT_OPTIONS },
  async run({ out }, v, positionals) {
    const checkOnly = Boolean(v['check-only']);
    const bump = Boolean(v.bump);
    if (checkOnly && bump) throw new UsageError('component update: --bump and --check-only cannot be combined');
    const project = await openProject(out, v);
    const selector = selectorFrom(v, positionals);
    const comps = await selectedComponents('component update', project, selector);
    reportWarnings(out, project);
    const { isProblem, updateLocks } = await import('../project/index.ts');
    const { upstreamResolver } = await import('../component/index.ts');
    const resolveUpstream = v.offline ? undefined : upstreamResolver(project);
    const results = await projectErrors(() => updateLocks(project, comps, { checkOnly, bump, pruneOrphans: selector.all, resolveUpstream }));
    printUpdate(out, results);
    const counts = new Map<string, number>();
    for (const r of results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
    const summary = [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
    out.info(`${comps.length} component(s)${summary ? `: ${summary}` : ''}${checkOnly ? ' (check only: nothing written)' : ''}`);
    const unresolved = counts.get('unresolved') ?? 0;
    if (unresolved) out.info(`${unresolved} upstream component(s) unresolved: pin upstream-commit, or run where dist-git is reachable (see -v for reasons)`);
    if (checkOnly) return results.some(isProblem) ? 1 : 0;
    return results.some((r) => r.status === 'unresolved' || r.status === 'missing') ? 1 : 0;
  },
};

export const componentCommands: Command[] = [componentList, componentUpdate];
