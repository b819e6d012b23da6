// Packs the host's packages into a project's out/rpms (where `strata build` publishes from).
//   node examples/host/prepare-repo.ts [PROJECT_DIR]      (default: examples/host)
import { join, resolve } from 'node:path';
import { packExampleHostPackages } from './build.ts';

const project = resolve(process.argv[2] ?? new URL('.', import.meta.url).pathname);
const r = await packExampleHostPackages(join(project, 'build', 'trees'), join(project, 'out', 'rpms'), Number(process.env.SOURCE_DATE_EPOCH ?? 1767225600));
console.log(`packed the host packages (kernel ${r.kernelVersion}, ${r.arch}) into ${join(project, 'out', 'rpms')}`);
