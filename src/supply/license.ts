// RPM License tags as SPDX license expressions. Current Fedora (and so Azure Linux 4) writes SPDX
// expressions; older packages write free text ("GPLv2+", "Public Domain"). A tag that parses as an
// SPDX expression (operators upper-cased, ids from the SPDX list) is kept, normalised; anything else
// becomes a LicenseRef- whose text is the tag, which SPDX 2.3 requires to be declared in the document
// (hasExtractedLicensingInfos) and CycloneDX can carry as a named licence.
import { createHash } from 'node:crypto';
import parseSpdx from 'spdx-expression-parse';

export type LicenseMapping =
  | { kind: 'none' }
  /** A valid SPDX expression; `refs` are the LicenseRef- ids it uses (they need declaring in SPDX). */
  | { kind: 'spdx'; expression: string; single: boolean; refs: string[] }
  /** Free text, given a LicenseRef- id derived from it. */
  | { kind: 'text'; text: string; ref: string };

type Ast = ReturnType<typeof parseSpdx>;

function formatAst(node: Ast, parentOp?: string): string {
  if ('license' in node) {
    return `${node.license}${node.plus ? '+' : ''}${node.exception ? ` WITH ${node.exception}` : ''}`;
  }
  const op = node.conjunction.toUpperCase();
  const s = `${formatAst(node.left, op)} ${op} ${formatAst(node.right, op)}`;
  return parentOp !== undefined && parentOp !== op ? `(${s})` : s;
}

function leaves(node: Ast): string[] {
  return 'license' in node ? [node.license] : [...leaves(node.left), ...leaves(node.right)];
}

/** `LicenseRef-` + the text's idstring characters (others become '-') + a short digest when any changed. */
export function licenseRefFor(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '') || 'unnamed';
  const exact = cleaned === text;
  return `LicenseRef-${exact ? cleaned : `${cleaned}-${createHash('sha256').update(text).digest('hex').slice(0, 8)}`}`;
}

export function mapRpmLicense(tag: string): LicenseMapping {
  const text = tag.trim();
  if (!text || text === '(none)') return { kind: 'none' };
  let ast: Ast | undefined;
  try {
    ast = parseSpdx(text);
  } catch {
    ast = undefined;
  }
  // References into other documents cannot be resolved inside ours.
  if (!ast || leaves(ast).some((l) => l.startsWith('DocumentRef-'))) return { kind: 'text', text, ref: licenseRefFor(text) };
  const refs = [...new Set(leaves(ast).filter((l) => l.startsWith('LicenseRef-')))].sort();
  return { kind: 'spdx', expression: formatAst(ast), single: 'license' in ast && !ast.plus && !ast.exception, refs };
}
