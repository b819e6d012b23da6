// Checks a parsed TOML document against the schema and turns it into typed records: unknown fields
// and wrong types are errors naming file:line (unless permissive, where unknown fields are dropped
// with a warning, as azldev's --permissive-config does).

import { formatTomlPath, type TomlPath } from './toml-positions.ts';
import type { SourceText } from './errors.ts';
import type { FieldSpec, TableSpec } from './schema.ts';

export interface DecodeContext {
  source: SourceText;
  permissive: boolean;
  warnings: string[];
}

type Table = Record<string, unknown>;

export function isTable(v: unknown): v is Table {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function tomlType(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return 'a date-time';
  if (isTable(v)) return 'a table';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'boolean') return 'a boolean';
  if (typeof v === 'number' || typeof v === 'bigint') return Number.isInteger(Number(v)) ? 'an integer' : 'a float';
  return typeof v;
}

function typeError(ctx: DecodeContext, path: TomlPath, expected: string, got: unknown): never {
  throw ctx.source.error(path, `${formatTomlPath(path)}: expected ${expected}, got ${tomlType(got)}`);
}

export function decodeTable(spec: TableSpec, raw: unknown, path: TomlPath, ctx: DecodeContext): Table {
  if (!isTable(raw)) typeError(ctx, path, 'a table', raw);
  const out: Table = {};
  for (const key of Object.keys(raw)) {
    const field = Object.hasOwn(spec.fields, key) ? spec.fields[key] : undefined;
    if (!field) {
      const where = path.length ? ` in [${formatTomlPath(path)}]` : '';
      const message = `unknown field "${key}"${where}`;
      if (!ctx.permissive) throw ctx.source.error([...path, key], message);
      ctx.warnings.push(`${ctx.source.where([...path, key])}: ${message} (ignored: --permissive-config)`);
      continue;
    }
    out[spec.props[key]] = decodeField(field, raw[key], [...path, key], ctx);
  }
  return out;
}

function decodeField(field: FieldSpec, raw: unknown, path: TomlPath, ctx: DecodeContext): unknown {
  switch (field.kind) {
    case 'string':
      if (typeof raw !== 'string') typeError(ctx, path, 'a string', raw);
      return raw;
    case 'bool':
      if (typeof raw !== 'boolean') typeError(ctx, path, 'a boolean', raw);
      return raw;
    case 'int':
      if (typeof raw === 'bigint') return Number(raw);
      if (typeof raw !== 'number' || !Number.isInteger(raw)) typeError(ctx, path, 'an integer', raw);
      return raw;
    case 'strings':
      if (!Array.isArray(raw)) typeError(ctx, path, 'an array of strings', raw);
      raw.forEach((v, i) => {
        if (typeof v !== 'string') typeError(ctx, [...path, i], 'a string', v);
      });
      return [...raw];
    case 'table':
      return decodeTable(field, raw, path, ctx);
    case 'map': {
      if (!isTable(raw)) typeError(ctx, path, 'a table', raw);
      const out: Table = {};
      for (const key of Object.keys(raw)) out[key] = decodeField(field.value, raw[key], [...path, key], ctx);
      return out;
    }
    case 'tables': {
      if (!Array.isArray(raw)) typeError(ctx, path, 'an array of tables', raw);
      return raw.map((v, index) => {
        const item = decodeTable(field.item, v, [...path, index], ctx);
        if (field.item.withOrigin) {
          if (!item.type) throw ctx.source.error([...path, index], `${formatTomlPath([...path, index])}: overlay has no "type"`);
          const line = ctx.source.lineOf([...path, index]) ?? 0;
          item.origin = { file: ctx.source.path, line, index, list: formatTomlPath(path) };
        }
        return item;
      });
    }
  }
}
