// Strata image definitions beside azldev's [images]: outputs from capabilities, file:line errors.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadImageDefinition, strataImageNames } from '../../src/image/definition.ts';
import { loadProject } from '../../src/project/index.ts';
import { ROOT, workDir } from '../support/fixtures.ts';

const work = workDir('image-definition');
after(() => rmSync(work, { recursive: true, force: true }));

function project(def: string, images = ''): string {
  const dir = join(work, String(Math.random()).slice(2));
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'azldev.toml'),
    `[images.c]\ndefinition = { type = "strata", path = "c.image.toml" }\ncapabilities = { container = true, runtime-package-management = false }\n` +
      `[images.k]\ndefinition = { type = "kiwi", path = "k.kiwi" }\n${images}`,
  );
  writeFileSync(join(dir, 'c.image.toml'), def);
  return dir;
}

test('the example distro: three Strata images, outputs from capabilities', () => {
  const p = loadProject(join(ROOT, 'examples', 'distro'));
  assert.deepEqual(strataImageNames(p), ['container-base', 'container-distroless', 'wsl']);
  const base = loadImageDefinition(p, 'container-base');
  assert.deepEqual(base.outputs, ['oci', 'docker-archive']);
  assert.equal(base.rpmdb, 'sqlite');
  assert.equal(base.files[0].path, '/etc/motd');
  assert.equal(loadImageDefinition(p, 'container-distroless').rpmdb, 'manifest');
  assert.deepEqual(loadImageDefinition(p, 'wsl').outputs, ['wsl']);
});

test('definition errors name file:line and the reason', () => {
  const err = (def: string, re: RegExp, name = 'c') => {
    const p = loadProject(project(def));
    assert.throws(() => loadImageDefinition(p, name), (e: Error) => {
      assert.equal(e.name, 'ProjectConfigError');
      assert.match(e.message, re);
      return true;
    });
  };
  err('packages = ["a"]\nbogus = 1\n', /c\.image\.toml:2: unknown field "bogus"$/);
  err('packages = ["a"]\n[[files]]\nsource = "x"\npath = "etc/x"\n', /c\.image\.toml:\d+: path "etc\/x" must be absolute without "\.\."$/);
  err('packages = ["a"]\nscriptlets = "maybe"\n', /c\.image\.toml:2: scriptlets must be "run" or "skip"/);
  err('packages = []\n', /packages: an image needs at least one package/);
  err('packages = ["a"]\n', /image "k": definition type is "kiwi", not "strata"/, 'k');
  err('packages = ["a"]\n', /image "nope" is not defined \(defined: c, k\)/, 'nope');
});
