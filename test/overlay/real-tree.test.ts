// Every overlay in the real Azure Linux 4.0 tree passes validation, its regex compiles (Go RE2 →
// JS) and its glob is valid; the per-type counts are the tree's.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'smol-toml';
import { checkOverlay, compileGoRegex, fileGlobMatcher } from '../../src/overlay/index.ts';
import type { OverlayRecord } from '../../src/overlay/index.ts';
import { FIXTURES } from '../support/fixtures.ts';

const CONFIG = join(FIXTURES, 'azurelinux-4.0', 'config');

function compTomls(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? compTomls(join(dir, e.name)) : e.name.endsWith('.comp.toml') ? [join(dir, e.name)] : [],
  );
}

test('all overlays of the Azure Linux 4.0 tree are valid', (t) => {
  if (!existsSync(CONFIG)) {
    t.skip(`fixture tree absent: ${CONFIG}`);
    return;
  }
  const overlays: Array<{ file: string; component: string; overlay: OverlayRecord }> = [];
  for (const file of compTomls(join(CONFIG, 'base', 'comps'))) {
    const doc = parse(readFileSync(file, 'utf8')) as { components?: Record<string, { overlays?: Array<Record<string, unknown>> }> };
    for (const [component, config] of Object.entries(doc.components ?? {})) {
      for (const raw of config.overlays ?? []) {
        const { 'upstream-status': upstreamStatus, ...rest } = (raw.metadata ?? {}) as Record<string, unknown>;
        const overlay = { ...raw, ...(raw.metadata ? { metadata: { ...rest, upstreamStatus } } : {}) } as unknown as OverlayRecord;
        overlays.push({ file, component, overlay });
      }
    }
  }
  const byType = new Map<string, number>();
  for (const { file, component, overlay } of overlays) {
    const where = `${file} ${component}: ${overlay.description ?? ''}`;
    assert.equal(checkOverlay(overlay), undefined, where);
    if (overlay.regex) compileGoRegex(overlay.regex);
    if (overlay.file) fileGlobMatcher(overlay.file);
    byType.set(overlay.type, (byType.get(overlay.type) ?? 0) + 1);
  }
  assert.equal(overlays.length, 233);
  assert.equal(new Set(overlays.map((o) => o.component)).size, 97);
  assert.deepEqual(Object.fromEntries([...byType].sort()), {
    'file-add': 16,
    'file-remove': 2,
    'file-rename': 3,
    'file-search-replace': 10,
    'patch-add': 9,
    'patch-remove': 1,
    'spec-add-tag': 22,
    'spec-append-lines': 18,
    'spec-insert-tag': 11,
    'spec-prepend-lines': 5,
    'spec-remove-section': 12,
    'spec-remove-tag': 15,
    'spec-search-replace': 93,
    'spec-set-tag': 2,
    'spec-update-tag': 14,
  });
});
