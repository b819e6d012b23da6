// `strata solve install|erase|upgrade|distro-sync` (plan a dnf-style transaction over repositories
// and an installed root), `strata solve testcase FILE.t` (run a libsolv testcase) and
// `strata repo closure` (can every package's dependencies be met).
import { readFileSync, statSync } from 'node:fs';
import type { RepoPackage } from '../repo/model.ts';
import type { Command } from './command.ts';
import { CliError, UsageError } from './errors.ts';
import type { Output } from './output.ts';
import { REPO_SOURCE_HELP, REPO_SOURCE_OPTIONS, loadSelectedRepositories } from './repo-query.ts';

const str = { type: 'string' } as const;
const multi = { type: 'string', multiple: true } as const;
const bool = { type: 'boolean' } as const;

const HOST_ARCH: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', ppc64: 'ppc64le', s390x: 's390x', ia32: 'i686', riscv64: 'riscv64' };

const SOLVE_OPTIONS = {
  ...REPO_SOURCE_OPTIONS,
  installroot: str,
  dbpath: str,
  arch: str,
  nobest: bool,
  'no-weak-deps': bool,
  allowerasing: bool,
  exclude: multi,
  lock: multi,
  assumeno: bool,
  order: bool,
  'clean-deps': bool,
  'installonly-limit': str,
};

const SOLVE_HELP: Array<[string, string]> = [
  ...REPO_SOURCE_HELP,
  ['--installroot DIR', 'the installed system: its rpm database is read (default: nothing installed)'],
  ['--dbpath PATH', 'rpm database path inside the root (default: rpm\'s)'],
  ['--arch ARCH', 'system architecture (default: this host\'s)'],
  ['--nobest', 'allow candidates other than the best (dnf best=False)'],
  ['--no-weak-deps', 'do not add recommended / supplementing packages'],
  ['--allowerasing', 'installed packages may be removed to resolve the request'],
  ['--exclude NAME', 'never install this package; repeatable'],
  ['--lock NAME', 'keep this package as installed; repeatable'],
  ['--order', 'also print the order rpm would run the transaction in'],
  ['--clean-deps', 'erase: also erase what only the erased packages needed'],
  ['--installonly-limit N', 'versions of installonly packages (kernel) to keep (default 3, 0 = all)'],
  ['--assumeno', 'accepted for dnf compatibility: Strata only plans, it never changes the root'],
];

type Action = 'install' | 'erase' | 'upgrade' | 'distro-sync';

const LABEL: Record<string, string> = {
  install: 'Installing',
  upgrade: 'Upgrading',
  downgrade: 'Downgrading',
  reinstall: 'Reinstalling',
  change: 'Changing',
  erase: 'Removing',
  obsolete: 'Obsoleting',
  multiinstall: 'Installing',
  multireinstall: 'Reinstalling',
};

function solveCommand(action: Action, summary: string, examples: string[]): Command {
  return {
    name: `solve ${action}`,
    summary,
    usage: action === 'install' || action === 'erase' ? '[options] NAME...' : '[options] [NAME...]',
    minArgs: action === 'install' || action === 'erase' ? 1 : 0,
    optionHelp: SOLVE_HELP,
    examples,
    options: SOLVE_OPTIONS,
    async run({ out }, v, names) {
      const t0 = performance.now();
      const { loadSolveRepository } = await import('../solve/pool-cache.ts');
      const repos = await loadSelectedRepositories(out, v, (v.repo as string[] | undefined) ?? [], loadSolveRepository);
      for (const r of repos) out.debug(`${r.id}: pool cache ${r.cache}${r.reason ? ` (${r.reason})` : ''}`);
      let installed: RepoPackage[] | undefined;
      if (typeof v.installroot === 'string') {
        if (!statSync(v.installroot, { throwIfNoEntry: false })?.isDirectory()) throw new CliError(`--installroot ${v.installroot}: not a directory`);
        const { readInstalled, RpmdbError } = await import('../solve/rpmdb.ts');
        try {
          installed = readInstalled(v.installroot, v.dbpath as string | undefined);
        } catch (e) {
          if (e instanceof RpmdbError) throw new CliError(e.message);
          throw e;
        }
      }
      const tRead = performance.now() - t0;
      const { solveRequest, RequestError } = await import('../solve/request.ts');
      let outcome;
      try {
        outcome = solveRequest({
          repos: repos.map((r) => ({ id: r.id, dnfPriority: r.opened.config.priority, snapshot: r.snapshot })),
          installed,
          arch: (v.arch as string | undefined) ?? HOST_ARCH[process.arch] ?? process.arch,
          action,
          names,
          best: !v.nobest,
          weakDeps: !v['no-weak-deps'],
          allowErasing: Boolean(v.allowerasing),
          excludes: v.exclude as string[] | undefined,
          locks: v.lock as string[] | undefined,
          order: Boolean(v.order),
          cleanDeps: Boolean(v['clean-deps']),
          installonlyLimit: installonlyLimit(v['installonly-limit']),
        });
      } catch (e) {
        if (e instanceof RequestError) throw new UsageError(e.message);
        throw e;
      }
      const timings = { read: Math.round(tRead), load: Math.round(tRead + outcome.timings.pool), solve: Math.round(outcome.timings.solve) };
      if (out.format === 'json') {
        out.json({ transaction: outcome.transaction, problems: outcome.problems, ...(outcome.order ? { order: outcome.order } : {}), timings });
        return outcome.problems.length ? 1 : 0;
      }
      printOutcome(out, outcome);
      out.debug(`read ${timings.read} ms, pool ${Math.round(outcome.timings.pool)} ms, solve ${timings.solve} ms`);
      return outcome.problems.length ? 1 : 0;
    },
  };
}

function installonlyLimit(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^[0-9]+$/.test(v)) throw new UsageError('--installonly-limit: expected a number');
  return Number(v);
}

function printOutcome(out: Output, outcome: import('../solve/request.ts').SolveOutcome): void {
  if (outcome.problems.length) {
    outcome.problems.forEach((p, i) => {
      out.line(`Problem ${i + 1}: ${p.text}`);
      for (const r of p.rules) if (r !== p.text) out.line(`  - ${r}`);
      for (const s of p.solutions) out.line(`  - solution: ${s}`);
    });
    return;
  }
  if (!outcome.transaction.length) {
    out.line('Nothing to do.');
    return;
  }
  const groups = new Map<string, typeof outcome.transaction>();
  for (const t of outcome.transaction) {
    const label = LABEL[t.action] ?? t.action;
    let g = groups.get(label);
    if (!g) groups.set(label, (g = []));
    g.push(t);
  }
  for (const [label, items] of groups) {
    out.line(`${label}:`);
    for (const t of [...items].sort((a, b) => (a.nevra < b.nevra ? -1 : 1))) {
      out.line(`  ${t.nevra.padEnd(50)} ${t.repo}${t.replaces ? `  (replacing ${t.replaces})` : ''}`);
    }
  }
  const counts = [...groups].map(([l, i]) => `${l} ${i.length}`).join(', ');
  out.line(`Transaction summary: ${counts}`);
  if (outcome.order) {
    out.line('Order (as rpm runs it):');
    outcome.order.steps.forEach((step, i) => out.line(`  ${String(i + 1).padStart(4)} ${step}`));
    for (const l of outcome.order.loops) out.line(`  ${l}`);
  }
}

export const solveInstall = solveCommand('install', 'Plan installing packages, like dnf install --assumeno (dnf5 defaults: best, weak deps)', [
  'strata solve install --repo repo/ --key RPM-GPG-KEY nginx',
  'strata solve install --repofile azl.repo --releasever 4.0 --installroot /mnt/root -o json @core',
]);
export const solveErase = solveCommand('erase', 'Plan removing packages (and what depends on them, with --allowerasing semantics)', [
  'strata solve erase --repo repo/ --nogpgcheck --installroot /mnt/root bash-completion',
]);
export const solveUpgrade = solveCommand('upgrade', 'Plan upgrading all (or the named) installed packages to the best versions', [
  'strata solve upgrade --repo updates/ --key RPM-GPG-KEY --installroot /mnt/root',
]);
export const solveDistroSync = solveCommand('distro-sync', 'Plan syncing the installed system to the repositories (may downgrade), as dnf distro-sync', [
  'strata solve distro-sync --repofile azl4.repo --releasever 4.0 --installroot /mnt/root',
]);

export const solveTestcase: Command = {
  name: 'solve testcase',
  summary: "Run a libsolv testcase (testsolv's .t format) and compare with its expected result",
  usage: '[options] FILE.t...',
  minArgs: 1,
  optionHelp: [['--result', 'print the result instead of comparing it (as testsolv -r)']],
  examples: ['strata solve testcase ../shared/fixtures/libsolv/testcases/choose/default.t', 'strata solve testcase --result case.t'],
  options: { result: bool },
  async run({ out }, v, files) {
    const { runTestcase } = await import('../solve/run/index.ts');
    const { TestcaseError } = await import('../solve/testcase/index.ts');
    let failed = 0;
    const report: unknown[] = [];
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw new CliError(`${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      let results;
      try {
        results = runTestcase(text, file, { readFile: (n) => readFileSync(n, 'utf8') });
      } catch (e) {
        if (e instanceof TestcaseError) throw new CliError(e.message);
        throw e;
      }
      for (const r of results) {
        const label = results.length > 1 ? `${file} part ${r.part}` : file;
        if (r.skipped !== undefined) {
          failed++;
          report.push({ file, part: r.part, status: 'unsupported', reason: r.skipped });
          if (out.format !== 'json') out.line(`${label}: unsupported: ${r.skipped}`);
          continue;
        }
        if (v.result || r.expected === undefined) {
          report.push({ file, part: r.part, status: 'result', lines: r.lines });
          if (out.format !== 'json') {
            if (results.length > 1) out.line(`test ${r.part}:`);
            for (const l of r.lines ?? []) out.line(l);
          }
          continue;
        }
        const ok = JSON.stringify(r.lines) === JSON.stringify(r.expected);
        if (!ok) failed++;
        report.push({ file, part: r.part, status: ok ? 'pass' : 'fail', ...(ok ? {} : { expected: r.expected, got: r.lines }) });
        if (out.format !== 'json') {
          out.line(`${label}: ${ok ? 'pass' : 'FAIL'}`);
          if (!ok) {
            for (const l of r.expected ?? []) if (!r.lines?.includes(l)) out.line(`  - ${l}`);
            for (const l of r.lines ?? []) if (!r.expected?.includes(l)) out.line(`  + ${l}`);
          }
        }
      }
    }
    if (out.format === 'json') out.json(report);
    return failed ? 1 : 0;
  },
};

export const repoClosure: Command = {
  name: 'repo closure',
  summary: "Check that every package's requires can be met, like dnf repoclosure (optionally: is it installable)",
  usage: '[options]',
  optionHelp: [
    ...REPO_SOURCE_HELP,
    ['--check REPOID', 'only report packages of this repository; repeatable (the others still provide)'],
    ['--newest', 'only check the newest version of each name.arch'],
    ['--arch ARCH', 'system architecture (default: this host\'s)'],
    ['--installable', 'also run the solver: each package must be installable on its own'],
  ],
  examples: ['strata repo closure --repo repo/ --key RPM-GPG-KEY', 'strata repo closure --repo base/ --repo updates/ --check updates --newest --installable -o json'],
  options: { ...REPO_SOURCE_OPTIONS, check: multi, newest: bool, arch: str, installable: bool },
  async run({ out }, v) {
    const repos = await loadSelectedRepositories(out, v, (v.repo as string[] | undefined) ?? []);
    const { repoClosure } = await import('../solve/closure.ts');
    // Solving each package can take a while on big repositories: show progress on a terminal.
    let bar: ReturnType<Output['progress']> | undefined;
    const result = repoClosure({
      repos: repos.map((r) => ({ id: r.id, dnfPriority: r.opened.config.priority, packages: r.metadata.packages })),
      arch: (v.arch as string | undefined) ?? HOST_ARCH[process.arch] ?? process.arch,
      check: v.check as string[] | undefined,
      newest: Boolean(v.newest),
      installable: Boolean(v.installable),
      onProgress: (done, total) => {
        if (!v.installable) return;
        bar ??= out.progress('checking packages', total);
        if (done > 0) bar.tick(1);
      },
    });
    bar?.done();
    if (out.format === 'json') out.json(result);
    else {
      for (const b of result.broken) {
        out.line(`package: ${b.nevra} from ${b.repo}`);
        for (const d of b.unresolved) out.line(`  unresolved deps: ${d}`);
        for (const p of b.problems) out.line(`  not installable: ${p}`);
      }
      out.line(`${result.checked} packages checked, ${result.broken.length} broken`);
    }
    return result.broken.length ? 1 : 0;
  },
};

export const solveCommands = [solveInstall, solveErase, solveUpgrade, solveDistroSync, solveTestcase];
