// All 7,611 rendered Azure Linux 4.0 specs: each parses and prints back byte-identical, and the
// structure found is sane. Skipped only when ../shared (the fixtures) is absent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSpecBytes, printSpecBytes, specPackages, specSections, specTags, type Spec } from '../../src/spec/index.ts';
import { hasSpecCorpus, readSpecCorpus } from './corpus.ts';

const skip = hasSpecCorpus() ? false : 'fixtures (../shared) absent';

test('every corpus spec parses and prints back byte-identical, with a sane structure', { skip }, () => {
  const files = readSpecCorpus().filter((f) => f.path.endsWith('.spec'));
  assert.equal(files.length, 7611);
  const mismatched: string[] = [];
  const noName: string[] = [];
  const unbalanced: string[] = [];
  let sections = 0;
  let packages = 0;
  let tags = 0;
  const perName = new Map<string, number>();
  for (const { path, bytes } of files) {
    const spec = parseSpecBytes(bytes);
    if (!printSpecBytes(spec).equals(bytes)) mismatched.push(path);
    // Font specs generate their preamble with %fontpkg; every other spec names its main package.
    if (!specTags(spec).some((t) => t.tag.toLowerCase() === 'name' && !t.continued) && !/^%fontpkg/m.test(bytes.toString('utf8'))) {
      noName.push(path);
    }
    // azldev counts "%if …\" inside a multi-line macro body but not "%endif\", so a spec can look
    // unbalanced to it; a real imbalance would involve a line outside any macro body.
    if (spec.structure.unbalanced.some((line) => !inMacroBody(spec, line - 1))) unbalanced.push(path);
    const list = specSections(spec);
    sections += list.length;
    packages += specPackages(spec).length;
    tags += spec.structure.tags.length;
    for (const s of list) if (!s.continued) perName.set(s.name.toLowerCase(), (perName.get(s.name.toLowerCase()) ?? 0) + 1);
    assertSectionsTile(spec, path);
  }
  assert.deepEqual(mismatched, [], 'specs that did not print back identically');
  assert.deepEqual(noName, [], 'specs without a Name tag in the main package');
  assert.deepEqual(unbalanced, [], 'specs with an unbalanced %if/%endif outside macro bodies');
  // Plausible counts: every spec has one %changelog; nearly all have %prep/%install/%files.
  assert.equal(perName.get('%changelog'), 7611);
  assert.ok((perName.get('%prep') ?? 0) > 7500 && (perName.get('%install') ?? 0) > 7500);
  assert.ok((perName.get('%files') ?? 0) >= 7611 && (perName.get('%description') ?? 0) >= 7611);
  assert.ok(packages > 20000 && packages <= (perName.get('%package') ?? 0), `sub-packages: ${packages}`);
  assert.ok(sections > 110000 && tags > 200000, `sections ${sections}, tags ${tags}`);
});

/** Sections cover the lines in order without gaps: the preamble from 0, each next one from its header. */
function assertSectionsTile(spec: Spec, path: string): void {
  const { sections, lineSection } = spec.structure;
  let at = 0;
  for (const [i, s] of sections.entries()) {
    const start = i === 0 ? 0 : s.header;
    assert.equal(start, at, path);
    assert.ok(s.end >= start, path);
    for (let l = start; l < s.end; l++) if (lineSection[l] !== i) assert.fail(`${path}: line ${l + 1} not in section ${i}`);
    at = s.end;
  }
  assert.equal(at, spec.lines.length, path);
}

function inMacroBody(spec: Spec, index: number): boolean {
  return spec.structure.continued[index] === 1;
}
