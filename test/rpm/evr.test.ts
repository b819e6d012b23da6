import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareEvr, formatEvr, parseEvr, rpmvercmp, splitEvr } from '../../src/rpm/evr.ts';
import { prng } from '../support/prng.ts';

const fixture = join(import.meta.dirname, '../../../shared/fixtures/rpm/vercmp.tsv');
const hasRpm = spawnSync('rpm', ['--version']).status === 0;

test('vercmp.tsv fixture passes 100%', () => {
  const rows = readFileSync(fixture, 'utf8').split('\n').filter((l) => l !== '');
  assert.ok(rows.length > 50);
  for (const row of rows) {
    const [a, b, expected] = row.split('\t');
    assert.equal(rpmvercmp(a, b), Number(expected), `rpmvercmp(${a}, ${b})`);
    assert.equal(rpmvercmp(b, a), -Number(expected) || 0, `rpmvercmp(${b}, ${a})`);
  }
});

test('rpmvercmp edge cases', () => {
  const cases: [string, string, number][] = [
    ['', '', 0],
    ['', '0', -1],
    ['', '~', 1], // the end of a string is newer than a tilde
    ['', '^', -1],
    ['1.0', '1.0.', 0], // trailing separators are ignored
    ['1.0', '1.0a', -1],
    ['1a', '1.a', 0],
    ['a', '1', -1], // numeric beats alpha
    ['00000000000000000000000000001', '1', 0],
    ['123456789012345678901234567890', '123456789012345678901234567889', 1],
    ['1.0', '1.0é', 0], // non-ASCII is a separator, as in rpm's ASCII-only risalnum
    ['A', 'a', -1], // plain byte order for letters
    ['1~', '1', -1],
    ['1^~', '1^', -1],
    ['1^', '1~', 1],
  ];
  for (const [a, b, want] of cases) {
    assert.equal(rpmvercmp(a, b), want, `rpmvercmp(${a}, ${b})`);
    assert.equal(rpmvercmp(b, a), -want || 0, `rpmvercmp(${b}, ${a})`);
  }
});

test('parseEvr follows rpm parseEVR', () => {
  const cases: [string, number | undefined, string, string | undefined][] = [
    ['1.0', undefined, '1.0', undefined],
    ['1.0-1', undefined, '1.0', '1'],
    ['2:1.0-1', 2, '1.0', '1'],
    ['0:1.0', 0, '1.0', undefined],
    [':1.0', 0, '1.0', undefined], // an empty epoch means 0
    ['1:2:3', 1, '2:3', undefined], // only leading digits before the first ':' are the epoch
    ['a:1.0', undefined, 'a:1.0', undefined],
    ['1.0-2-3', undefined, '1.0-2', '3'], // release after the LAST '-'
    ['1.0-', undefined, '1.0', ''], // empty release is kept, distinct from none
    ['1:', 1, '', undefined],
    ['', undefined, '', undefined],
    ['007:1', 7, '1', undefined],
  ];
  for (const [s, epoch, version, release] of cases) {
    assert.deepEqual(parseEvr(s), { epoch, version, release }, s);
  }
  assert.equal(splitEvr('007:1').epoch, '007');
  assert.equal(formatEvr(parseEvr('3:1.0-2')), '3:1.0-2');
  assert.equal(formatEvr(splitEvr('1.0')), '1.0');
});

test('compareEvr follows rpmverCmp', () => {
  const cases: [string, string, number][] = [
    ['1.0', '0:1.0', 0], // missing epoch is 0
    ['1:1.0', '2.0', 1],
    ['1.0', '1.0-1', -1], // missing release sorts first
    ['1.0-', '1.0', 1], // an empty release is still a release
    ['1.0-', '1.0-0', -1],
    ['1.0-2', '1.0-10', -1],
    ['01:1', '1:1', 0],
    ['99999999999999999999:1', '99999999999999999998:1', 1], // epochs compare as digit strings
  ];
  for (const [a, b, want] of cases) {
    assert.equal(compareEvr(a, b), want, `compareEvr(${a}, ${b})`);
    assert.equal(compareEvr(b, a), -want || 0, `compareEvr(${b}, ${a})`);
  }
  assert.equal(compareEvr(parseEvr('1:2-3'), '1:2-3'), 0);
  assert.equal(compareEvr({ epoch: undefined, version: '1', release: undefined }, '0:1'), 0);
});


function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)];
}

const DIGITS = '0123456789'.split('');
const LETTERS = 'aabzAZrc'.split('');

// Versions cannot contain '-' or ':'; stress digits, leading zeros, long numbers, letter case,
// doubled/leading/trailing separators, '~' and '^'.
function randomVersion(rnd: () => number): string {
  let s = '';
  const parts = 1 + Math.floor(rnd() * 6);
  for (let p = 0; p < parts; p++) {
    const r = rnd();
    if (r < 0.4) {
      if (rnd() < 0.2) s += '0'.repeat(1 + Math.floor(rnd() * 3));
      const len = rnd() < 0.05 ? 15 + Math.floor(rnd() * 15) : 1 + Math.floor(rnd() * 3);
      for (let i = 0; i < len; i++) s += pick(rnd, DIGITS);
    } else if (r < 0.65) {
      const len = 1 + Math.floor(rnd() * 3);
      for (let i = 0; i < len; i++) s += pick(rnd, LETTERS);
    } else {
      s += pick(rnd, ['.', '.', '_', '+', '~', '^', '..', '~~', '^^', '.~', '^.']);
    }
  }
  return s;
}

// Half the pairs are near-misses of each other, which is where comparison bugs hide.
function mutate(rnd: () => number, s: string): string {
  const i = Math.floor(rnd() * (s.length + 1));
  const ins = pick(rnd, ['0', '1', '9', 'a', 'Z', '.', '_', '~', '^', '00']);
  switch (Math.floor(rnd() * 4)) {
    case 0:
      return s.slice(0, i) + ins + s.slice(i);
    case 1:
      return s.slice(0, i) + s.slice(i + 1) || ins;
    case 2:
      return s.slice(0, i) + ins + s.slice(i + 1);
    default:
      return s + pick(rnd, ['~', '^', '.', '0', 'a', '^1', '~1']);
  }
}

function randomPair(rnd: () => number): [string, string] {
  const a = randomVersion(rnd);
  const b = rnd() < 0.5 ? mutate(rnd, a) : rnd() < 0.1 ? a : randomVersion(rnd);
  return [a, b];
}

function randomEvr(rnd: () => number): string {
  const epoch = pick(rnd, ['', '', '', '0:', '1:', '2:', '00:', '10:', ':']);
  const rel = pick(rnd, ['', '', '-1', '-2', '-', '-1.fc40', '-0']);
  return epoch + randomVersion(rnd) + rel;
}

/** Runs rpm's own rpm.vercmp (rpmverParse + rpmverCmp in rpm 4.18) on every pair via one lua script. */
function rpmVercmpBatch(pairs: [string, string][]): number[] {
  const dir = mkdtempSync(join(tmpdir(), 'strata-vercmp-'));
  try {
    const data = join(dir, 'pairs.tsv');
    const script = join(dir, 'cmp.lua');
    writeFileSync(data, pairs.map(([a, b]) => `${a}\t${b}\n`).join(''));
    writeFileSync(
      script,
      `local out = {}
for line in io.lines(${JSON.stringify(data)}) do
  local a, b = line:match("^([^\\t]*)\\t([^\\t]*)$")
  out[#out + 1] = tostring(rpm.vercmp(a, b))
end
print(table.concat(out, "\\n"))
`,
    );
    const stdout = execFileSync('rpm', ['--eval', `%{lua: dofile(${JSON.stringify(script)})}`], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout.trim().split('\n').map(Number);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('differential against rpm: 10,000 random version pairs and 3,000 EVR pairs', { skip: hasRpm ? false : 'rpm is not installed' }, () => {
  const rnd = prng(0x5eed1);
  const versions: [string, string][] = [];
  while (versions.length < 10_000) versions.push(randomPair(rnd));
  const evrs: [string, string][] = [];
  while (evrs.length < 3_000) {
    const a = randomEvr(rnd);
    evrs.push([a, rnd() < 0.4 ? mutate(rnd, a) : randomEvr(rnd)]);
  }
  // rpm.vercmp rejects empty strings; mutation never yields one, but keep the guard explicit.
  const pairs = [...versions, ...evrs].filter(([a, b]) => a !== '' && b !== '');
  const got = rpmVercmpBatch(pairs);
  assert.equal(got.length, pairs.length);
  let mismatches = 0;
  const examples: string[] = [];
  pairs.forEach(([a, b], k) => {
    // For strings without ':' or '-' rpm.vercmp is plain rpmvercmp of the versions.
    const mine = k < versions.length ? rpmvercmp(a, b) : compareEvr(a, b);
    if (mine !== got[k]) {
      mismatches++;
      if (examples.length < 10) examples.push(`${a} vs ${b}: rpm ${got[k]}, ours ${mine}`);
    }
  });
  assert.equal(mismatches, 0, examples.join('\n'));
  // Guard against a harness that silently compares nothing interesting.
  for (const v of [-1, 0, 1]) assert.ok(got.filter((g) => g === v).length > 500, `rpm returned ${v} too rarely`);
});
