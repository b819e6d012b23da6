// Running an OCI bundle with crun in tests. crun refuses hybrid cgroup hosts whose v2 hierarchy has
// controllers; it runs fine on the v1 hierarchies once the v2 mount is out of sight in a private
// mount namespace.

import { spawnSync } from 'node:child_process';
import { hasTool } from './tools.ts';

function sh(cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}

export function crunRun(bundle: string, id: string): { status: number | null; stdout: string; stderr: string } {
  sh('crun', ['delete', '-f', id]);
  let r = sh('crun', ['run', '--bundle', bundle, id]);
  if (r.status !== 0 && /hybrid mode/.test(r.stderr) && hasTool('unshare')) {
    sh('crun', ['delete', '-f', id]);
    r = sh('unshare', ['-m', 'sh', '-c', 'umount /sys/fs/cgroup/unified && exec crun run --bundle "$0" "$1"', bundle, id]);
  }
  sh('crun', ['delete', '-f', id]);
  return r;
}

/** Whether a failed run is the environment's fault (no cgroups/namespaces), not the image's. */
export function crunUnavailable(r: { status: number | null; stderr: string }): boolean {
  return r.status !== 0 && /cgroup|unshare|namespace|clone/i.test(r.stderr) && !/exec container process/.test(r.stderr);
}
