// Resolving an upstream component's commit from dist-git, for `component update`: the last commit on
// the upstream distro's branch before its snapshot (or the branch head without one), as azldev does.
// When dist-git is unreachable the first failure says so and the rest are not attempted, so an
// offline update of thousands of components stays fast and reports them unresolved.

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { componentDistro, type Project, type ResolvedComponent } from '../project/index.ts';
import { distGitUrl, resolveRemoteCommit } from '../sources/index.ts';
import { PrepareError } from './prepare.ts';

const UNREACHABLE = /could not resolve host|unable to access|connection (refused|timed out)|network is unreachable|failed to connect/i;

/** `scratch` holds the temporary clones (a system temp dir by default: the project may be read-only). */
export function upstreamResolver(project: Project, scratch = join(tmpdir(), `strata-resolve-${process.pid}`)): (c: ResolvedComponent) => Promise<string> {
  let offline: string | undefined;
  return async (c) => {
    if (offline) throw new PrepareError(`${c.name}: not tried: ${offline}`);
    const spec = c.config.spec ?? {};
    const d = componentDistro(project, c.config);
    if (!d?.distro.distGitBaseUri) throw new PrepareError(`${c.name}: distro ${d?.name ?? '(none)'} has no dist-git-base-uri`);
    const url = distGitUrl(d.distro.distGitBaseUri, spec.upstreamName || c.name);
    try {
      return await resolveRemoteCommit(url, { branch: d.versionDef.distGitBranch, snapshot: spec.upstreamDistro?.snapshot }, join(scratch, c.name), c.name);
    } catch (e) {
      const msg = (e as Error).message;
      if (UNREACHABLE.test(msg)) offline = `dist-git unreachable (see ${c.name})`;
      throw e;
    }
  };
}
