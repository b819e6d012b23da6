// Read-only views of a parsed spec, in azldev's terms (the same lines the edits act on).
import { packageKey } from './edit-support.ts';
import type { Spec, SectionType } from './model.ts';
import { goLower } from './text.ts';

export interface SpecTag {
  tag: string;
  value: string;
  /** 1-based line number. */
  line: number;
  /** The line continues the one before it (a multi-line %define/%global body or %{expand: …}): rpm
   * reads it as part of that macro, not as a tag. Edits, like azldev, still treat it as a tag. */
  continued: boolean;
}

export interface SpecSectionInfo {
  /** The header word as written, e.g. "%files". */
  name: string;
  /** The sub-package key; absent for the main package and for sections of no package. */
  pkg?: string;
  /** 1-based line number of the header. */
  line: number;
  /** 1-based number of the section's last line. */
  endLine: number;
  type: SectionType;
  /** The header sits in a multi-line macro body (a template such as `%global do_package() \`). */
  continued: boolean;
}

/** Sub-package keys, as azldev names them, in order of their first %package section. Headers inside
 * multi-line macro bodies are templates, not packages of this spec, and are left out. */
export function specPackages(spec: Spec): string[] {
  const seen = new Set<string>();
  const { sections, continued } = spec.structure;
  for (const s of sections) if (s.type === 'package' && s.pkg !== '' && continued[s.header] === 0) seen.add(s.pkg);
  return [...seen];
}

/** The tags of one package (undefined or "" = the main package), in file order. Tags inside %if
 * blocks are included: conditionals are not evaluated. */
export function specTags(spec: Spec, pkg?: string): SpecTag[] {
  const key = packageKey(pkg);
  const { tags, sections, continued } = spec.structure;
  return tags
    .filter((t) => sections[t.section].pkg === key)
    .map((t) => ({ tag: t.tag, value: t.value, line: t.index + 1, continued: continued[t.index] === 1 }));
}

/** The value of the package's first tag named `tag` (case-insensitive) outside macro bodies, if any. */
export function specTagValue(spec: Spec, tag: string, pkg?: string): string | undefined {
  const wanted = goLower(tag);
  return specTags(spec, pkg).find((t) => !t.continued && goLower(t.tag) === wanted)?.value;
}

/** Every section header in file order (the preamble, which has no header, is not listed). */
export function specSections(spec: Spec): SpecSectionInfo[] {
  return spec.structure.sections
    .filter((s) => s.header >= 0)
    .map((s) => ({
      name: s.name,
      ...(s.pkg !== '' ? { pkg: s.pkg } : {}),
      line: s.header + 1,
      endLine: s.end,
      type: s.type,
      continued: spec.structure.continued[s.header] === 1,
    }));
}
