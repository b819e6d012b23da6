// Fuzzing of the project definition a user (or a pull request) edits: azldev.toml and its includes,
// component and overlay files, image definitions and lock files. Each mutated file must load (and
// resolve) or fail with ProjectConfigError in one line — never another exception.
// FUZZ_ITERATIONS / FUZZ_SEED as in test/rpm/fuzz.test.ts (file-based: a tenth of the count runs).
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { loadImageDefinition, strataImageNames } from '../../src/image/definition.ts';
import { componentIdentity, loadProject, parseLock, ProjectConfigError, resolveComponents } from '../../src/project/index.ts';
import { ROOT as REPO_ROOT, workDir } from '../support/fixtures.ts';
import { prng, randInt } from '../support/prng.ts';

const ITERATIONS = Math.ceil(Number(process.env.FUZZ_ITERATIONS ?? 4000) / 10);
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);

const VALUES = ['1', '-1', '0x10', '1e999', '"x"', '""', '"../../etc/passwd"', '"/abs"', '[]', '[1, "a"]', '{}', '{ a = 1 }', 'true', '1979-05-27T07:32:00Z', '"a\\u0000b"'];
const LINES = ['[components.zz]', '[[images]]', '[images.x]', 'includes = ["**/*.toml"]', 'includes = ["../../*"]', '[[components.hello.overlays]]', 'type = "spec-set-tag"', '[distros.x.versions."1"]', 'x.y.z = 1'];

function mutateToml(text: string, r: () => number): string {
  const lines = text.split('\n');
  const at = randInt(r, lines.length);
  switch (randInt(r, 6)) {
    case 0: {
      // Another value, usually of another type.
      const eq = lines[at].indexOf('=');
      if (eq > 0) lines[at] = `${lines[at].slice(0, eq + 1)} ${VALUES[randInt(r, VALUES.length)]}`;
      break;
    }
    case 1:
      lines.splice(at, 1);
      break;
    case 2:
      lines.splice(at, 0, lines[randInt(r, lines.length)]);
      break;
    case 3:
      lines.splice(at, 0, LINES[randInt(r, LINES.length)]);
      break;
    case 4: {
      const l = lines[at];
      const p = randInt(r, l.length + 1);
      lines[at] = l.slice(0, p) + '"[]{}=.,\\#\n'.charAt(randInt(r, 11)) + l.slice(p + randInt(r, 2));
      break;
    }
    default: {
      // A key renamed (unknown fields must be refused by name).
      const eq = lines[at].indexOf('=');
      if (eq > 0) lines[at] = `${lines[at].slice(0, eq).trim()}x ${lines[at].slice(eq)}`;
    }
  }
  return lines.join('\n');
}

function tomlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => (f.endsWith('.toml') || f.endsWith('.lock')) && !f.startsWith('out/') && !f.startsWith('build/'))
    .map((f) => join(dir, f))
    .sort();
}

function loadEverything(dir: string): void {
  const project = loadProject(dir);
  for (const c of resolveComponents(project)) componentIdentity(project, c);
  for (const name of strataImageNames(project)) loadImageDefinition(project, name);
}

test('mutated project files load or fail with ProjectConfigError in one line', () => {
  const dir = workDir('project-fuzz');
  cpSync(join(REPO_ROOT, 'examples', 'distro'), dir, {
    recursive: true,
    filter: (src) => !/\/(out|build)(\/|$)/.test(relative(join(REPO_ROOT, 'examples', 'distro'), src)),
  });
  loadEverything(dir); // the unmutated example loads
  const files = tomlFiles(dir);
  const r = prng(SEED);
  let refused = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const file = files[randInt(r, files.length)];
    const original = readFileSync(file, 'utf8');
    let text = original;
    for (let n = 1 + randInt(r, 3); n > 0; n--) text = mutateToml(text, r);
    writeFileSync(file, text);
    try {
      if (file.endsWith('.lock')) parseLock(text, file);
      loadEverything(dir);
    } catch (e) {
      if (!(e instanceof ProjectConfigError)) {
        assert.fail(`iteration ${i}, ${relative(dir, file)}: ${(e as Error).name}: ${(e as Error).message}\n--- mutated file ---\n${text}`);
      }
      assert.doesNotMatch(e.message, /\n/, `multi-line error for ${relative(dir, file)}`);
      refused++;
    } finally {
      writeFileSync(file, original);
    }
  }
  assert.ok(refused > ITERATIONS / 4, `only ${refused} of ${ITERATIONS} mutated files were refused`);
});
