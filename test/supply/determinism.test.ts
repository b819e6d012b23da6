import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoSeconds, sbomTimestamp, uuidV5 } from '../../src/supply/index.ts';

test('SOURCE_DATE_EPOCH sets the time; malformed values are errors, absence falls back', () => {
  assert.equal(isoSeconds(sbomTimestamp({ SOURCE_DATE_EPOCH: '1767323045' })), '2026-01-02T03:04:05Z');
  assert.equal(sbomTimestamp({}, () => new Date(0)).getTime(), 0);
  assert.throws(() => sbomTimestamp({ SOURCE_DATE_EPOCH: '2026-01-02' }), /SOURCE_DATE_EPOCH/);
});

test('uuidV5 matches RFC 9562 (appendix A.4: www.example.com in the DNS namespace)', () => {
  const dns = Buffer.from('6ba7b8109dad11d180b400c04fd430c8', 'hex');
  assert.equal(uuidV5('www.example.com', dns), '2ed6657d-e927-568b-95e1-2665a8aea6a2');
  assert.match(uuidV5('x'), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
