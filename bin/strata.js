#!/usr/bin/env node
// Launcher: strata is TypeScript run by Node >= 24 type stripping. When the node on PATH is older,
// re-run with the Node 24 the project pins (the `node` devDependency).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const major = Number(process.versions.node.split('.')[0]);
if (major >= 24) {
  process.argv.splice(1, 1, main);
  await import(main);
} else {
  let node;
  try {
    node = createRequire(import.meta.url).resolve('node/bin/node');
  } catch {
    process.stderr.write(`strata: needs Node.js >= 24 (found ${process.version}); run npm ci to install it\n`);
    process.exit(1);
  }
  const r = spawnSync(node, [main, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
