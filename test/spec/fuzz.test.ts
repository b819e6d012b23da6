// Fuzzing of the spec parser and edits: corpus specs (or, without the fixtures, synthetic ones) with
// random byte mutations, line shuffles, duplications and truncations must parse without throwing,
// print back the exact bytes, and accept any edit with either a result or a SpecEditError.
// FUZZ_ITERATIONS sets the count; FUZZ_SEED reproduces a failure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as S from '../../src/spec/index.ts';
import { prng, randInt } from '../support/prng.ts';
import { hasSpecCorpus, readSpecCorpus } from './corpus.ts';

const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 3000);
const SEED = Number(process.env.FUZZ_SEED ?? 0x5bec);

const SYNTHETIC = [
  'Name: foo', 'Version: 1', 'Source0: a.tar.gz', 'Patch1: x.patch', 'BuildRequires: gcc', '%if 0%{?fedora}', '%else', '%endif', '%ifarch x86_64',
  '%package devel', '%package -n lib%{name}', '%description', '%description devel', '%files', '%files devel -f list', '%prep', '%build', 'make',
  '%install', '%check', '%post -p /sbin/ldconfig', '%triggerin -- foo', '%changelog', '* Mon Jan 01 2024 A <a@b> - 1-1', '%patchlist', 'y.patch',
  '%global x %{expand:', '}', 'Requires: a \\', '# comment', '',
];
const STUFF = ['\n', '\r\n', '\r', '%', '#', '\\', '{', '}', '(', ')', ':', ' ', '\t', '%if ', '%endif', '%files ', '%package ', '\u00a0', '\ufeff', '\x00'];

function seeds(r: () => number): Buffer[] {
  if (hasSpecCorpus()) {
    const files = readSpecCorpus();
    return Array.from({ length: 150 }, () => files[randInt(r, files.length)].bytes);
  }
  return Array.from({ length: 50 }, () => Buffer.from(Array.from({ length: 5 + randInt(r, 60) }, () => SYNTHETIC[randInt(r, SYNTHETIC.length)]).join('\n') + '\n'));
}

function mutate(src: Buffer, r: () => number): Buffer {
  const pos = (): number => randInt(r, src.length + 1);
  switch (randInt(r, 7)) {
    case 0: {
      const b = Buffer.from(src);
      for (let i = 1 + randInt(r, 16); i > 0 && b.length > 0; i--) b[randInt(r, b.length)] = randInt(r, 256);
      return b;
    }
    case 1: {
      const p = pos();
      const junk = Array.from({ length: 1 + randInt(r, 8) }, () => STUFF[randInt(r, STUFF.length)]).join('');
      return Buffer.concat([src.subarray(0, p), Buffer.from(junk), src.subarray(p)]);
    }
    case 2: {
      const p = pos();
      return Buffer.concat([src.subarray(0, p), src.subarray(p + 1 + randInt(r, 200))]);
    }
    case 3:
      return src.subarray(0, pos());
    case 4: {
      const lines = src.toString('latin1').split('\n');
      for (let i = lines.length - 1; i > 0; i--) {
        if (r() < 0.1) {
          const j = randInt(r, i + 1);
          [lines[i], lines[j]] = [lines[j], lines[i]];
        }
      }
      return Buffer.from(lines.join('\n'), 'latin1');
    }
    case 5: {
      const lines = src.toString('latin1').split('\n');
      const from = randInt(r, lines.length);
      lines.splice(randInt(r, lines.length), 0, ...lines.slice(from, from + 1 + randInt(r, 30)));
      return Buffer.from(lines.join(r() < 0.3 ? '\r\n' : '\n'), 'latin1');
    }
    default:
      return Buffer.from(src.toString('latin1').replace(/\n/g, () => (r() < 0.2 ? '\r\n' : '\n')), 'latin1');
  }
}

function randomEdit(spec: S.Spec, r: () => number): void {
  const sections = spec.structure.sections;
  const s = sections[randInt(r, sections.length)];
  const pkg = r() < 0.5 ? undefined : s.pkg;
  const tag = spec.structure.tags[randInt(r, spec.structure.tags.length)]?.tag ?? 'Name';
  const line = spec.lines[randInt(r, spec.lines.length)]?.text ?? '';
  const start = randInt(r, line.length + 1);
  const regex = new RegExp(line.slice(start, start + 1 + randInt(r, 6)).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') || 'x?', 'u');
  switch (randInt(r, 12)) {
    case 0: return S.addTag(spec, pkg, tag, 'v');
    case 1: return S.insertTag(spec, pkg, tag, 'v');
    case 2: return S.setTag(spec, pkg, tag, 'v');
    case 3: return S.updateTag(spec, pkg, tag, 'v');
    case 4: return S.removeTag(spec, pkg, tag);
    case 5: return S.prependLines(spec, r() < 0.3 ? undefined : s.name, pkg, ['# added', '%endif']);
    case 6: return S.appendLines(spec, r() < 0.3 ? undefined : s.name, pkg, ['%files x', 'y']);
    case 7: return S.searchReplace(spec, r() < 0.5 ? undefined : s.name, pkg, regex, r() < 0.5 ? '' : '\n%build\n');
    case 8: return S.removeSection(spec, s.name, pkg);
    case 9: return S.removeSubpackage(spec, s.pkg);
    case 10: return S.addPatch(spec, 'fuzz.patch', pkg);
    default: {
      S.removePatches(spec, (f) => f.includes('.patch'));
    }
  }
}

test('mutated specs parse, print back their bytes and take any edit', () => {
  const r = prng(SEED);
  const pool = seeds(r);
  for (let i = 0; i < ITERATIONS; i++) {
    const input = mutate(pool[randInt(r, pool.length)], r);
    const spec = S.parseSpecBytes(input);
    assert.ok(S.printSpecBytes(spec).equals(input), `seed ${SEED} iteration ${i}: round trip`);
    const { sections, lineSection } = spec.structure;
    assert.equal(sections[sections.length - 1].end, spec.lines.length);
    assert.equal(lineSection.length, spec.lines.length);
    S.specTags(spec, sections[randInt(r, sections.length)].pkg);
    S.specPatches(spec);
    try {
      randomEdit(spec, r);
    } catch (e) {
      if (!(e instanceof S.SpecEditError)) throw new Error(`seed ${SEED} iteration ${i}: ${String(e)}`, { cause: e });
      assert.ok(!e.message.includes('\n'), e.message);
      continue;
    }
    // The edited model is what its own print parses to (read in the same encoding: an edit can drop
    // the very bytes that made a file fall back to Latin-1).
    const printed = S.printSpecBytes(spec);
    const again = spec.encoding === 'latin1' ? S.parseSpec(printed.toString('latin1')) : S.parseSpecBytes(printed);
    assert.deepEqual(again.structure, spec.structure, `seed ${SEED} iteration ${i}: edited structure`);
  }
});
