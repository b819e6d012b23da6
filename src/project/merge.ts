// azldev's merge rules (mergo WithOverride, plus WithAppendSlice for component configs), driven by
// the schema: a set scalar overrides (an empty string, false or 0 is "not set" and never clears),
// structs merge field by field, maps merge key by key with the later value replacing the whole
// entry, arrays are appended (components) or replaced when non-empty (everything else), and a
// `replace` list such as overlay-files replaces whenever it is given, even empty.

import type { FieldSpec, TableSpec } from './schema.ts';

type Table = Record<string, unknown>;

export interface MergeMode {
  appendArrays: boolean;
}

function isSet(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === false || v === 0) return false;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}

/** A deep copy of a decoded value (plain tables, arrays and scalars; origins are copied too). */
export function cloneValue<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneValue) as T;
  if (typeof v === 'object' && v !== null) {
    const out: Table = {};
    for (const [k, x] of Object.entries(v)) out[k] = cloneValue(x);
    return out as T;
  }
  return v;
}

function mergeField(field: FieldSpec, dst: unknown, src: unknown, mode: MergeMode): unknown {
  switch (field.kind) {
    case 'table':
      return mergeTable(field, (dst as Table | undefined) ?? {}, src as Table, mode);
    case 'map': {
      const srcMap = src as Table;
      if (Object.keys(srcMap).length === 0) return dst;
      const out: Table = { ...((dst as Table | undefined) ?? {}) };
      for (const [k, v] of Object.entries(srcMap)) out[k] = cloneValue(v);
      return out;
    }
    case 'strings':
    case 'tables': {
      const list = src as unknown[];
      if (field.kind === 'strings' && field.replace) return [...list];
      if (mode.appendArrays) return list.length ? [...((dst as unknown[] | undefined) ?? []), ...cloneValue(list)] : dst;
      return list.length ? cloneValue(list) : dst;
    }
    default:
      return isSet(src) ? src : dst;
  }
}

/** Merges `src` over `dst` (mutated and returned) by the rules above. */
export function mergeTable<T extends object>(spec: TableSpec, dst: T, src: T | undefined, mode: MergeMode): T {
  if (!src) return dst;
  const d = dst as Table;
  for (const [prop, value] of Object.entries(src as Table)) {
    const key = spec.keys[prop];
    const field = key === undefined ? undefined : spec.fields[key];
    if (!field) continue; // not configuration (an overlay's origin travels with its overlay)
    const merged = mergeField(field, d[prop], value, mode);
    if (merged !== undefined) d[prop] = merged;
  }
  return dst;
}
