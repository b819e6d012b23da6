// Selections: one byte per package of a PackageIndex, the set every filter narrows.

import type { PackageIndex } from './package-index.ts';

// A selection: one byte per package of the index (libsolv's Map, without the bit packing).
export type Sel = Uint8Array;

export function full(ix: PackageIndex): Sel {
  return new Uint8Array(ix.packages.length).fill(1);
}

export function nonEmpty(s: Sel): boolean {
  return s.includes(1);
}

export function and(a: Sel, b: Sel): Sel {
  for (let i = 0; i < a.length; i++) a[i] &= b[i];
  return a;
}

export function indices(s: Sel): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) if (s[i]) out.push(i);
  return out;
}
