// The real Azure Linux 4.0 definition loads unchanged: every component, every overlay (counted by
// type), through the library and the CLI; and broken copies of it fail with the right file:line.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadProject, resolveComponents } from '../../src/project/index.ts';
import { csvField } from '../../src/cli/output.ts';
import { strata } from '../support/cli.ts';
import { FIXTURES, workDir } from '../support/fixtures.ts';

const TREE = join(FIXTURES, 'azurelinux-4.0', 'config');
const skip = existsSync(join(TREE, 'azldev.toml')) ? false : 'the Azure Linux 4.0 fixture tree is absent';
const work = workDir('project-fixture');
after(() => rmSync(work, { recursive: true, force: true }));

// Counted from the tree itself (notes/azldev.md §6): 233 overlays across 97 components.
const OVERLAY_TYPES: Record<string, number> = {
  'spec-search-replace': 93,
  'spec-add-tag': 22,
  'spec-append-lines': 18,
  'file-add': 16,
  'spec-remove-tag': 15,
  'spec-update-tag': 14,
  'spec-remove-section': 12,
  'spec-insert-tag': 11,
  'file-search-replace': 10,
  'patch-add': 9,
  'spec-prepend-lines': 5,
  'file-rename': 3,
  'spec-set-tag': 2,
  'file-remove': 2,
  'patch-remove': 1,
};

function countTypes(overlayLists: Array<Array<{ type: string }> | undefined>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const list of overlayLists) for (const o of list ?? []) counts[o.type] = (counts[o.type] ?? 0) + 1;
  return counts;
}

describe('the Azure Linux 4.0 tree', { skip }, () => {
  test('loads and resolves 7,583 components and their 233 overlays', () => {
    const project = loadProject(TREE);
    assert.deepEqual(project.warnings, []);
    const comps = resolveComponents(project);
    assert.equal(comps.length, 7583);
    assert.equal(new Set(comps.map((c) => c.name)).size, 7583);
    assert.deepEqual(countTypes(comps.map((c) => c.config.overlays)), OVERLAY_TYPES);
    assert.equal(comps.filter((c) => c.config.overlays?.length).length, 97);

    const byName = new Map(comps.map((c) => [c.name, c]));
    const kernel = byName.get('kernel')!;
    assert.equal(kernel.config.overlays!.length, 17);
    assert.deepEqual(kernel.config.build?.without, ['debug']);
    assert.equal(kernel.config.build?.defines?.azl_pkgrelease, '8');
    assert.equal(kernel.config.release?.calculation, 'manual');
    assert.equal(kernel.config.sourceFiles?.[0].filename, 'kernel-6.18.5.1.tar.gz');
    // Every overlay keeps where it was declared; file-add sources are absolute, next to the .comp.toml.
    const first = kernel.config.overlays![0];
    assert.equal(first.origin.file, join(TREE, 'base/comps/kernel/kernel.comp.toml'));
    const kernelToml = readFileSync(first.origin.file, 'utf8').split('\n');
    assert.equal(kernelToml[first.origin.line - 1], '[[components.kernel.overlays]]');
    const fileAdd = kernel.config.overlays!.find((o) => o.type === 'file-add')!;
    assert.equal(fileAdd.source, join(TREE, 'base/comps/kernel/6.18-x86_64-azl.config'));

    // Inheritance: the distro version's spec default, the group's %check skip.
    const glib2 = byName.get('glib2')!;
    assert.deepEqual(glib2.groups, ['check-skip-initial-failures']);
    assert.equal(glib2.config.build?.check?.skip, true);
    assert.deepEqual(glib2.config.spec, { type: 'upstream', upstreamDistro: { name: 'fedora', version: '43', snapshot: '2026-02-24T00:00:00-08:00' } });
    assert.equal(comps.filter((c) => c.groups.includes('check-skip-initial-failures')).length, 182);
    assert.deepEqual(
      comps.filter((c) => c.config.spec?.type === 'local').map((c) => c.name),
      ['azurelinux-release', 'azurelinux-repos', 'azurelinux-stage1-compat'],
    );
    assert.equal(byName.get('azurelinux-release')!.config.spec?.path, join(TREE, 'base/comps/azurelinux-release/azurelinux-release.spec'));
    assert.equal(project.config.distros.fedora.versions?.['43'].distGitBranch, 'f43');
    assert.equal(project.config.distros.azurelinux.defaultVersion, '4.0-stage2');
    assert.equal(project.config.packageGroups['base-packages'].defaultPackageConfig?.publish?.channel, 'rpm-base');
    assert.equal(Object.keys(project.config.images).length, 5);
  });

  test('strata component list -a lists every component (table, csv, json)', () => {
    const csv = strata(['component', 'list', '-a', '-C', TREE, '-o', 'csv']);
    assert.equal(csv.code, 0, csv.stderr);
    const lines = csv.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'NAME,SPEC,SOURCE,OVERLAYS,GROUPS');
    assert.equal(lines.length, 1 + 7583);
    assert.ok(lines.includes('kernel,upstream,kernel (fedora 43),17,'), 'kernel row');
    assert.ok(lines.includes('azurelinux-rpm-config,upstream,redhat-rpm-config (fedora 43),17,'), 'upstream-name shown');

    assert.deepEqual(['a', 'b c', 'x,y', 'say "hi"', 'l1\nl2'].map(csvField), ['a', 'b c', '"x,y"', '"say ""hi"""', '"l1\nl2"']);

    const table = strata(['component', 'list', '-C', join(TREE, 'base', 'comps'), 'kernel*', '-g', 'check-skip-initial-failures']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^NAME +SPEC +SOURCE +OVERLAYS +GROUPS\n/);
    assert.match(table.stdout, /\nkernel +upstream +kernel \(fedora 43\) +17 *\n/);
    assert.match(table.stdout, /\nglib2 +upstream +glib2 \(fedora 43\) +0 +check-skip-initial-failures\n/);

    const json = JSON.parse(strata(['component', 'list', '-C', TREE, '-o', 'json', 'azurelinux-release']).stdout);
    assert.equal(json.length, 1);
    assert.equal(json[0].specType, 'local');
    assert.equal(json[0].source, 'base/comps/azurelinux-release/azurelinux-release.spec');
  });

  test('strata config dump resolves every component (JSON and TOML)', () => {
    const r = strata(['config', 'dump', '-C', TREE, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const dump = JSON.parse(r.stdout);
    assert.equal(Object.keys(dump.components).length, 7583);
    const overlays = Object.values(dump.components as Record<string, { overlays?: Array<{ type: string }> }>).map((c) => c.overlays);
    assert.deepEqual(countTypes(overlays), OVERLAY_TYPES);
    assert.equal(dump.components.kernel.overlays[0].origin.line > 0, true);
    assert.equal(dump.project.lockDir, join(TREE, 'locks'));
    assert.equal(dump.project.logDir, join(TREE, 'base', 'build', 'logs'));

    const toml = strata(['config', 'dump', '-C', TREE]);
    assert.equal(toml.code, 0, toml.stderr);
    assert.match(toml.stdout, /\[\[components\.kernel\.overlays\]\]\ndescription = "Set specrpmversion to 6\.18\.5"/);
  });

  describe('broken copies fail with file:line, one line, exit 1', () => {
    function copy(name: string): string {
      const dir = join(work, name);
      rmSync(dir, { recursive: true, force: true });
      cpSync(TREE, dir, { recursive: true });
      execFileSync('chmod', ['-R', 'u+w', dir]);
      return dir;
    }
    function fails(dir: string, re: RegExp): void {
      const r = strata(['component', 'list', '-a', '-C', dir]);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr.trim(), re);
    }

    test('an unknown field', () => {
      const dir = copy('unknown-field');
      const file = join(dir, 'base/comps/kernel/kernel.comp.toml');
      const text = readFileSync(file, 'utf8');
      const line = text.split('\n').indexOf('without = ["debug"]') + 2;
      writeFileSync(file, text.replace('without = ["debug"]\n', 'without = ["debug"]\nwithoutt = ["x"]\n'));
      fails(dir, new RegExp(`^strata: \\S*base/comps/kernel/kernel\\.comp\\.toml:${line}: unknown field "withoutt" in \\[components\\.kernel\\.build\\]$`));
      // --permissive-config tolerates it.
      const r = strata(['component', 'list', '-C', dir, '--permissive-config', 'kernel']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /1 config problem\(s\) ignored/);
    });

    test('a duplicate component in two files names both', () => {
      const dir = copy('duplicate');
      const other = join(dir, 'base/comps/azurelinux-release/azurelinux-release.comp.toml');
      const otherLines = readFileSync(other, 'utf8').split('\n').length;
      appendFileSync(other, '\n[components.kernel]\n');
      // azurelinux-release/… sorts before kernel/…: the kernel's own file is the second definition.
      fails(
        dir,
        new RegExp(
          `^strata: \\S*base/comps/kernel/kernel\\.comp\\.toml:1: duplicate component "kernel" \\(also defined at \\S*base/comps/azurelinux-release/azurelinux-release\\.comp\\.toml:${otherLines + 1}\\)$`,
        ),
      );
    });

    test('a missing literal include', () => {
      const dir = copy('missing-include');
      const file = join(dir, 'base/project.toml');
      const text = readFileSync(file, 'utf8');
      writeFileSync(file, text.replace('"packages/packages.toml"]', '"packages/packages.toml", "extra/missing.toml", "extra/*.toml"]'));
      const line = text.split('\n').findIndex((l) => l.startsWith('includes = ')) + 1;
      fails(dir, new RegExp(`^strata: \\S*base/project\\.toml:${line}: include "extra/missing\\.toml" not found`));
    });

    test('a type error', () => {
      const dir = copy('type-error');
      const file = join(dir, 'base/comps/kernel/kernel.comp.toml');
      const text = readFileSync(file, 'utf8');
      writeFileSync(file, text.replace('release = { calculation = "manual" }', 'release = "manual"'));
      const line = text.split('\n').indexOf('release = { calculation = "manual" }') + 1;
      fails(dir, new RegExp(`kernel\\.comp\\.toml:${line}: components\\.kernel\\.release: expected a table, got a string$`));
    });
  });
});
