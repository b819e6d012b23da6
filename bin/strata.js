#!/usr/bin/env node
// Launcher: strata is TypeScript run by Node >= 24 type stripping. When the node on PATH is older,
// re-run with the Node 24 the project pins (the `node` devDependency).
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const major = Number(process.versions.node.split('.')[0]);
// Caching compiled (type-stripped) modules cuts start-up from ~0.2 s to ~0.08 s; a CLI that runs
// once per package in scripts feels that.
const cacheDir = process.env.NODE_COMPILE_CACHE || join(tmpdir(), 'node-compile-cache');
if (major >= 24) {
  module.enableCompileCache(cacheDir);
  process.env.NODE_COMPILE_CACHE = cacheDir; // worker threads start from the environment
  const { runCli } = await import(main);
  await runCli();
} else {
  let node;
  try {
    node = module.createRequire(import.meta.url).resolve('node/bin/node');
  } catch {
    process.stderr.write(`strata: needs Node.js >= 24 (found ${process.version}); run npm ci to install it\n`);
    process.exit(1);
  }
  // Loaded only here: node:child_process costs a few milliseconds of every start-up otherwise.
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(node, [main, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_COMPILE_CACHE: cacheDir },
  });
  process.exit(r.status ?? 1);
}
