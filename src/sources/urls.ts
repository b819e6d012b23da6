// URL templates from a distro definition: dist-git (`$pkg`) and lookaside
// (`$pkg $filename $hashtype $hash`), filled the way azldev fills them.

import { SourcesFileError } from './sources-file.ts';

const PLACEHOLDERS = ['$pkg', '$filename', '$hashtype', '$hash'];

function checkAbsolute(uri: string, label: string): string {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    throw new SourcesFileError(`${label} URL "${uri}" is not a valid absolute URL`);
  }
  if (u.protocol !== 'file:' && u.host === '') throw new SourcesFileError(`${label} URL "${uri}" has no host`);
  return uri;
}

/** Go's url.PathEscape: like encodeURIComponent but keeps the path-safe sub-delimiters ($&+,;=:@). */
function pathEscape(s: string): string {
  return encodeURIComponent(s).replace(/%(24|26|2B|2C|3B|3D|3A|40)/g, (m) => decodeURIComponent(m));
}

function noPlaceholders(values: string[]): void {
  for (const v of values) {
    const p = PLACEHOLDERS.find((x) => v.includes(x));
    if (p) throw new SourcesFileError(`value "${v}" contains the placeholder "${p}"; substitution would be ambiguous`);
  }
}

/** The lookaside URL of one source file; the digest name is substituted in lower case. */
export function lookasideUrl(template: string, pkg: string, filename: string, hashType: string, hash: string): string {
  const ht = hashType.toLowerCase();
  noPlaceholders([pkg, filename, ht, hash]);
  // Longest placeholder first: "$hashtype" must not be eaten by "$hash".
  const uri = template
    .replaceAll('$pkg', () => pathEscape(pkg))
    .replaceAll('$filename', () => pathEscape(filename))
    .replaceAll('$hashtype', () => pathEscape(ht))
    .replaceAll('$hash', () => pathEscape(hash));
  return checkAbsolute(uri, 'lookaside');
}

/** The dist-git clone URL of a package. */
export function distGitUrl(template: string, pkg: string): string {
  noPlaceholders([pkg]);
  return checkAbsolute(template.replaceAll('$pkg', () => pathEscape(pkg)), 'dist-git');
}
