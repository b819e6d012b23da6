// What a spec will produce and what it needs, asked of rpmspec before anything is built: the
// binary packages with their declared provides and requires, and the SRPM's requires (the
// BuildRequires, with conditionals and macros evaluated as rpmbuild will).
import type { DeclaredPackage } from './host.ts';
import { runCaptured, toolEnv } from './run.ts';

export interface SpecFacts {
  /** `name-version-release` of the source package. */
  nevr: string;
  buildRequires: string[];
  packages: DeclaredPackage[];
}

export class SpecQueryError extends Error {
  override name = 'SpecQueryError';
}

/** `--define "name value"` arguments, in a stable order. */
export function defineArgs(defines: Readonly<Record<string, string>>): string[] {
  return Object.keys(defines)
    .sort()
    .flatMap((k) => ['--define', `${k} ${defines[k]}`]);
}

const PKG = '@@STRATA-PKG@@';
const BINARY_QF = `${PKG}%{name}\\t%{epoch}\\t%{version}\\t%{release}\\t%{arch}\\n[P\\t%{providenevrs}\\n][R\\t%{requirenevrs}\\n]`;
const SOURCE_QF = `${PKG}%{name}\\t%{version}\\t%{release}\\n[B\\t%{requirenevrs}\\n]`;

/** The first `error:` line of rpm's stderr (or its last line): the reason in one line. */
export function rpmErrorLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => l.startsWith('error:'))?.replace(/^error:\s*/, '') ?? lines.at(-1) ?? 'no output';
}

export function parseBinaryQuery(stdout: string): DeclaredPackage[] {
  const out: DeclaredPackage[] = [];
  for (const chunk of stdout.split(PKG).slice(1)) {
    const [head, ...rest] = chunk.split('\n');
    const [name, epoch, version, release, arch] = head.split('\t');
    const p: DeclaredPackage = { name, epoch: epoch === '(none)' ? '0' : epoch, version, release, arch, provides: [], requires: [] };
    for (const line of rest) {
      if (line.startsWith('P\t')) p.provides.push(line.slice(2));
      else if (line.startsWith('R\t')) p.requires.push(line.slice(2));
    }
    out.push(p);
  }
  return out;
}

export function parseSourceQuery(stdout: string): { nevr: string; buildRequires: string[] } {
  const chunk = stdout.split(PKG)[1] ?? '';
  const [head, ...rest] = chunk.split('\n');
  const [name, version, release] = head.split('\t');
  const buildRequires = rest.filter((l) => l.startsWith('B\t')).map((l) => l.slice(2));
  return { nevr: `${name}-${version}-${release}`, buildRequires: [...new Set(buildRequires)] };
}

/** Queries `spec` with `defines` (which should set _sourcedir, so %{load:…} of sidecar files works). */
export async function querySpec(rpmspec: string, spec: string, defines: Readonly<Record<string, string>>): Promise<SpecFacts> {
  const args = defineArgs(defines);
  const env = toolEnv();
  const [bin, src] = await Promise.all([
    runCaptured(rpmspec, ['-q', ...args, '--qf', BINARY_QF, spec], env),
    runCaptured(rpmspec, ['-q', '--srpm', ...args, '--qf', SOURCE_QF, spec], env),
  ]);
  for (const r of [bin, src]) if (r.code !== 0) throw new SpecQueryError(`rpmspec: ${rpmErrorLine(r.stderr)}`);
  const packages = parseBinaryQuery(bin.stdout);
  if (!packages.length) throw new SpecQueryError('rpmspec: the spec declares no package');
  return { ...parseSourceQuery(src.stdout), packages };
}
