// Generated RPM corpus for differential tests.
//
// Spec files are written from code and built once with the system rpmbuild into test/.work/corpus/
// (gitignored). A stamp holding a hash of everything that shapes the output (spec texts, sources,
// rpmbuild defines, this file's own text and `rpm --version`) lets reruns reuse the built packages.
//
// Layout of the corpus (each spec makes one main package plus many `%package -n` subpackages):
//   - 12 "matrix" specs: payload compressor × file digest algorithm (gzip, bzip2, xz, zstd, none,
//     lzma × md5, sha1, sha256, sha512), native and noarch; every package varies dependencies (all 9
//     kinds × all senses, epochs, ~ and ^ versions, rich deps, Requires(qualifier)), file attributes
//     (%config, %ghost, %doc, %license, %dir, %attr, %caps, %verify, hard links, symlinks, devices,
//     fifos, setuid, %lang, non-ASCII names), scriptlets, triggers, file triggers and changelogs.
//   - strata-large: one sparse file of 4 GiB + 1 byte, so rpmbuild emits INT64 tags (LONGFILESIZES,
//     LONGSIZE in the header, LONGARCHIVESIZE in the signature).
//   - strata-tagtypes: a small package whose header is then rewritten to add a CHAR tag (FILESTATES,
//     which rpmbuild never writes; rpm only adds it at install time) and an INT8 tag (no rpm tag has
//     that type, so an unknown tag number carries it). Signature digests are recomputed, so the
//     result verifies with `rpm -K`.
// `-ba` is used throughout, so every spec also yields a source RPM.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants as fsc } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const CORPUS_DIR = path.resolve(import.meta.dirname, '..', '.work', 'corpus');
const STAMP = 'stamp.json';
/** rpmbuild runs at once (the CI machine has 2 cores). */
const PARALLEL = 2;

/** Unknown header tag number used to carry an INT8 value in the rewritten package. */
export const INT8_TAG = 1_000_008;
export const TAGTYPES_NAME = 'strata-tagtypes-patched';

interface SpecPlan {
  /** File name stem of the spec (also the main package name). */
  name: string;
  text: string;
  /** SOURCES/ files: name → content. */
  sources: Record<string, string>;
  defines: Record<string, string>;
  /** Listed first so the slow build overlaps with the others. */
  slow?: boolean;
}

const COMPRESSORS = [
  { name: 'gzip', io: 'w9.gzdio' },
  { name: 'bzip2', io: 'w9.bzdio' },
  { name: 'xz', io: 'w2.xzdio' },
  { name: 'zstd', io: 'w19.zstdio' },
  { name: 'none', io: 'w0.ufdio' },
  { name: 'lzma', io: 'w.lzdio' },
] as const;
/** rpmpgp.h hash ids: md5, sha1, sha256, sha512. */
const DIGEST_ALGOS = [1, 2, 8, 10] as const;

const MATRIX_SPECS = 12;
const SUBPACKAGES = 17;

const DEP_KINDS = [
  'Provides',
  'Requires',
  'Conflicts',
  'Obsoletes',
  'Recommends',
  'Suggests',
  'Supplements',
  'Enhances',
  'OrderWithRequires',
] as const;
const SENSES = ['', '<', '<=', '=', '>=', '>'] as const;
const EVRS = [
  '1.0',
  '2:3.4-5',
  '1.0~rc1',
  '1.0^git20240101.abc1',
  '0:0.1-1.fc40',
  '3.0~beta^post-2',
  '10',
  '1:2',
  '4.5.6-7.el9~bootstrap',
] as const;
const QUALIFIERS = [
  'pre',
  'post',
  'preun',
  'postun',
  'pretrans',
  'posttrans',
  'interp',
  'verify',
  'meta',
  'pre,post',
  'preun,postun',
  'pretrans,posttrans',
] as const;
const SUMMARIES = [
  'Corpus package',
  'Příliš žluťoučký kůň úpěl ďábelské ódy',
  'Übergrößenträger ☃ mit Umlauten',
  '日本語の要約です',
  'plain ascii summary, with punctuation: "quotes" & <angle>',
  'émoji 🚀 and tabs\tinside',
] as const;
const LICENSES = ['MIT', 'GPL-2.0-or-later', 'MIT AND (Apache-2.0 OR BSD-3-Clause)', 'LGPL-2.1-only WITH exceptions', 'Public Domain'];
const GROUPS = ['Development/Tools', 'System Environment/Base', 'Unspecified', 'Applications/Système'];
const AUTHORS = [
  'Jöhn Döe <john@example.org>',
  'Ådne Ørsted <adne@example.no>',
  'Plain Person <plain@example.com>',
  '山田太郎 <yamada@example.jp>',
];

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `Mon Jan 01 2024` for a UTC day; rpm checks the weekday. */
function changelogDate(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${d.getUTCFullYear()}`;
}

interface PkgParts {
  preamble: string[];
  install: string[];
  files: string[];
  scripts: string[];
}

/** Dependencies of package number g (global across the corpus). */
function depLines(g: number): string[] {
  const out: string[] = [];
  DEP_KINDS.forEach((kind, ki) => {
    for (const off of [0, 3]) {
      const sense = SENSES[(g + ki + off) % SENSES.length];
      const evr = EVRS[(g * 5 + ki * 3 + off) % EVRS.length];
      out.push(`${kind}: d${g}-${kind.toLowerCase()}-${off}${sense ? ` ${sense} ${evr}` : ''}`);
    }
  });
  // Names with the shapes real packages use.
  const shaped = ['perl(Strata::Corpus)', 'pkgconfig(strata-corpus)', 'libstrata.so.1()(64bit)', '/usr/bin/strata-tool', 'python3dist(strata)'];
  const req = shaped[g % shaped.length];
  const prov = shaped[(g + 2) % shaped.length];
  // File names cannot carry versions.
  out.push(`Requires: ${req}${g % 2 && !req.startsWith('/') ? ` >= ${EVRS[g % EVRS.length]}` : ''}`);
  out.push(`Provides: ${prov}${g % 3 && !prov.startsWith('/') ? ` = ${EVRS[(g + 4) % EVRS.length]}` : ''}`);
  if (g % 8 === 3) out.push(`Provides: strata-ünïcode-${g}`);
  // Requires(qualifier) in every spelling, including combined ones.
  out.push(`Requires(${QUALIFIERS[g % QUALIFIERS.length]}): rq${g}-a >= 1.${g}`);
  out.push(`Requires(${QUALIFIERS[(g + 5) % QUALIFIERS.length]}): rq${g}-b`);
  if (g % 4 === 0) out.push(`Requires(interp): /usr/bin/strata-interp${g}`);
  if (g % 3 === 0) {
    // Rich (boolean) deps; if-forms only in and-like kinds, unless-forms only in or-like kinds.
    const v = g % 2 === 0;
    out.push(`Requires: ${v ? `(ra${g} >= 1.0 if rb${g})` : `(ra${g} with rb${g} < 2)`}`);
    out.push(`Requires: (rc${g} or (rd${g} and re${g} > 1:0.5))`);
    out.push(`Recommends: ${v ? `(rec${g} if cond${g} else alt${g})` : `(rec${g} or alt${g})`}`);
    out.push(`Suggests: (sug${g} and (sug${g}-x or sug${g}-y))`);
    out.push(`Supplements: ${v ? `(sup${g} unless gone${g})` : `(sup${g} and (lang${g} or loc${g}))`}`);
    out.push(`Enhances: ${v ? `(enh${g} or enh${g}-alt)` : `(enh${g} unless x${g} else y${g})`}`);
    out.push(`Conflicts: ${v ? `(con${g} with con${g}-x)` : `(con${g} without con${g}-y >= 3)`}`);
  }
  return out;
}

function filesFor(g: number, k: number, j: number, native: boolean, nameOf: string): PkgParts {
  const D = `/usr/share/strata/c${pad(k)}/s${pad(j)}`;
  const E = `/etc/strata/c${pad(k)}-s${pad(j)}`;
  const B = '%{buildroot}';
  const install: string[] = [`mkdir -p ${B}${D}`, `echo ${g} > ${B}${D}/plain`, `printf '${'x'.repeat(g % 50)}' > ${B}${D}/data`];
  const files: string[] = [];
  if (g % 5 === 2) files.push('%defattr(0640,bin,daemon,0750)');
  files.push(`%dir ${D}`, `${D}/plain`, `${D}/data`);
  if (g % 2 === 0) {
    install.push(`mkdir -p ${B}${E}`);
    for (const f of ['a.conf', 'b.conf', 'c.conf', 'd.conf']) install.push(`echo ${f} > ${B}${E}/${f}`);
    files.push(`%dir ${E}`, `%config ${E}/a.conf`, `%config(noreplace) ${E}/b.conf`, `%config(missingok) ${E}/c.conf`);
    files.push(g % 4 === 0 ? `%config(missingok,noreplace) ${E}/d.conf` : `%attr(0600,root,root) %config(noreplace) ${E}/d.conf`);
  }
  if (g % 3 === 0) files.push(`%ghost ${D}/ghost.log`, `%ghost %attr(0640,nobody,nogroup) ${D}/ghost-owned.log`, `%ghost %dir ${D}/ghostdir`);
  if (g % 3 === 1) {
    install.push(`echo readme > ${B}${D}/README`, `echo license > ${B}${D}/COPYING`);
    files.push(`%doc ${D}/README`, `%license ${D}/COPYING`);
  }
  if (g % 4 === 1) {
    install.push(`echo linked ${g} > ${B}${D}/hl1`, `ln ${B}${D}/hl1 ${B}${D}/hl2`, `ln ${B}${D}/hl1 ${B}${D}/hl3`);
    files.push(`${D}/hl1`, `${D}/hl2`, `${D}/hl3`);
  }
  if (g % 4 === 2) {
    install.push(
      `ln -s plain ${B}${D}/rel`,
      `ln -s ${D}/plain ${B}${D}/abs`,
      `ln -s ../../nowhere/${g} ${B}${D}/dangling`,
      `ln -s .. ${B}${D}/dirlink`,
    );
    files.push(`${D}/rel`, `${D}/abs`, `${D}/dangling`, `${D}/dirlink`);
  }
  if (g % 5 === 0) {
    install.push(`mkdir -p ${B}${D}/sticky`);
    for (const f of ['suid', 'sgid', 'both']) install.push(`echo ${f} > ${B}${D}/${f}`);
    files.push(
      `%attr(4755,root,root) ${D}/suid`,
      `%attr(2755,root,nobody) ${D}/sgid`,
      `%attr(6711,bin,daemon) ${D}/both`,
      `%attr(1777,-,-) %dir ${D}/sticky`,
    );
  }
  if (g % 5 === 1) {
    for (const f of ['owned', 'ro', 'nothing']) install.push(`echo ${f} > ${B}${D}/${f}`);
    files.push(
      `%attr(0600,strata-user${g % 3},strata-group) ${D}/owned`,
      `%attr(0444,nobody,nogroup) ${D}/ro`,
      `%attr(0000,daemon,bin) ${D}/nothing`,
    );
  }
  if (g % 6 === 0) {
    install.push(`echo cap > ${B}${D}/capped`, `echo cap2 > ${B}${D}/capped2`);
    files.push(`%caps(cap_net_raw=p) ${D}/capped`, `%attr(0750,root,bin) %caps(cap_net_admin,cap_sys_nice=ep) ${D}/capped2`);
  }
  if (g % 6 === 3) {
    for (const f of ['v1', 'v2', 'v3']) install.push(`echo ${f} > ${B}${D}/${f}`);
    files.push(`%verify(not md5 size mtime) ${D}/v1`, `%verify(mode user group) ${D}/v2`, `%verify(not link rdev owner) ${D}/v3`);
  }
  if (g % 7 === 0) {
    install.push(`: > ${B}${D}/empty`, `echo hallo > ${B}${D}/de.txt`, `echo salut > ${B}${D}/fr.txt`);
    files.push(`${D}/empty`, `%lang(de) ${D}/de.txt`, `%lang(fr) ${D}/fr.txt`);
  }
  if (g % 7 === 3) {
    install.push(`mkfifo ${B}${D}/fifo`);
    files.push(
      `%attr(0620,root,bin) ${D}/fifo`,
      `%dev(c,1,${g % 256}) %attr(0666,root,root) /dev/strata-c${pad(k)}-s${pad(j)}-c`,
      `%dev(b,${8 + (g % 8)},${g % 16}) /dev/strata-c${pad(k)}-s${pad(j)}-b`,
    );
  }
  if (g % 8 === 5) {
    install.push(`echo u > '${B}${D}/ünïcödé.txt'`, `echo s > '${B}${D}/with space.txt'`, `echo j > '${B}${D}/日本'`);
    files.push(`${D}/ünïcödé.txt`, `"${D}/with space.txt"`, `${D}/日本`);
  }
  if (g % 9 === 0) {
    install.push(`echo r > ${B}${D}/READ.ME`, `echo a > ${B}${D}/artifact`);
    files.push(`%readme ${D}/READ.ME`, `%artifact ${D}/artifact`);
  }
  if (g % 10 === 0) {
    install.push(`mkdir -p ${B}${D}/a/b/c`, `echo deep > ${B}${D}/a/b/c/file`);
    files.push(`%dir ${D}/a`, `%dir ${D}/a/b`, `${D}/a/b/c`);
  }
  if (g % 13 === 0) {
    // mtimes at both ends of the unsigned 32-bit range, numeric owner names.
    install.push(`echo old > ${B}${D}/epoch0`, `touch -d @0 ${B}${D}/epoch0`, `echo new > ${B}${D}/y2096`, `touch -d @4000000000 ${B}${D}/y2096`);
    files.push(`${D}/epoch0`, `%attr(0644,1234,5678) ${D}/y2096`);
  }
  if (g === 19) {
    // Many files in many directories (DIRINDEXES with hundreds of entries).
    install.push(`for d in $(seq 1 40); do mkdir -p ${B}${D}/many/d$d; for f in $(seq 1 25); do echo $f > ${B}${D}/many/d$d/f$f; done; done`);
    files.push(`${D}/many`);
  }
  if (native && j === 0) {
    // A real ELF file: file colors, elfdeps auto-requires and .build-id links.
    install.push(`mkdir -p ${B}/usr/lib/strata/c${pad(k)}`, `cp /bin/true ${B}/usr/lib/strata/c${pad(k)}/true`);
    files.push(`%attr(0755,root,root) /usr/lib/strata/c${pad(k)}/true`);
  }
  if (j === 0) files.push('%doc README.strata', '%license LICENSE.strata');
  return { preamble: [], install, files, scripts: scriptsFor(g, nameOf) };
}

function scriptsFor(g: number, nameOf: string): string[] {
  const n = nameOf ? ` -n ${nameOf}` : '';
  const s: string[] = [];
  switch (g % 6) {
    case 0:
      s.push(`%pre${n}\necho pre ${g}`, `%post${n}\necho post ${g}\nexit 0`, `%preun${n}\necho preun`, `%postun${n}\necho postun`);
      break;
    case 1:
      s.push(`%pretrans${n} -p <lua>\nprint("pretrans ${g}")`, `%posttrans${n} -p <lua>\nlocal x = ${g}`, `%verifyscript${n}\ntest -e /etc`);
      break;
    case 2:
      s.push(`%post${n} -p /sbin/ldconfig`, `%postun${n} -p /sbin/ldconfig`, `%pre${n} -e\necho %{name}-%{version}`);
      break;
    case 3:
      s.push(`%post${n} -p "/bin/bash -e"\necho args`, `%preun${n} -q\necho %%{NAME}`, `%pre${n} -p <lua>\nprint("pré ${g}")`);
      break;
    case 5:
      s.push(`%pre${n}\necho "Grüße ☃ ${g}"`, `%post${n}`, `%verifyscript${n} -p <lua>\nreturn 0`, `%posttrans${n}\ntrue`);
      break;
  }
  switch (g % 5) {
    case 0:
      s.push(`%triggerin${n} -- trig${g}-a, trig${g}-b >= 1.0\necho in`);
      break;
    case 1:
      s.push(`%triggerun${n} -p <lua> -- trig${g}-c < 2\nprint("un")`);
      break;
    case 2:
      s.push(`%triggerpostun${n} -- trig${g}-d = 1:1.0-1\necho postun`, `%triggerin${n} -- trig${g}-e\necho second`);
      break;
    case 3:
      s.push(`%triggerprein${n} -- trig${g}-f > 0.1\necho prein`);
      break;
  }
  switch (g % 11) {
    case 0:
      s.push(`%filetriggerin${n} -- /usr/lib/strata\necho fti`);
      break;
    case 1:
      s.push(`%filetriggerun${n} -p <lua> -- /etc/strata /usr/share/strata\nprint("ftu")`);
      break;
    case 2:
      s.push(`%filetriggerpostun${n} -P 2000 -- /usr/share/strata\necho ftpu`);
      break;
    case 3:
      s.push(`%transfiletriggerin${n} -- /usr/share/strata\ncat`);
      break;
    case 4:
      s.push(`%transfiletriggerun${n} -p <lua> -- /usr/lib\nprint("tftu")`);
      break;
    case 5:
      s.push(`%transfiletriggerpostun${n} -P 10 -- /opt\necho tftpu`);
      break;
  }
  return s;
}

function matrixSpec(k: number): SpecPlan {
  const comp = COMPRESSORS[k % COMPRESSORS.length];
  const algo = DIGEST_ALGOS[k % DIGEST_ALGOS.length];
  const native = k % 3 !== 2;
  const name = `strata-c${pad(k)}`;
  const versions = ['1.0', '2.3.4', '1.0~rc1', '1.0^git5', '0.9.9~beta2^p1', '10.20'];
  const head: string[] = [
    `Name: ${name}`,
    `Version: ${versions[k % versions.length]}`,
    `Release: ${k + 1}.strata`,
  ];
  if (k % 2 === 1) head.push(`Epoch: ${k}`);
  if (k === 4) head.push('Epoch: 0');
  head.push(
    `Summary: ${SUMMARIES[k % SUMMARIES.length]}`,
    `License: ${LICENSES[k % LICENSES.length]}`,
    `Group: ${GROUPS[k % GROUPS.length]}`,
    `URL: https://example.org/strata/${k}`,
  );
  if (k % 3 !== 1) head.push(`Vendor: Strata Tëst Vendor ${k}`, `Packager: ${AUTHORS[k % AUTHORS.length]}`);
  if (k % 4 === 0) head.push(`BugURL: https://bugs.example.org/${k}`, 'Distribution: Strata Linux');
  if (k % 4 === 1) {
    // Translated I18NSTRING entries (HEADERI18NTABLE C, de, fr).
    head.push('Summary(de): Deutsche Zusammenfassung äöü', 'Summary(fr): Résumé français', 'Group(de): Entwicklung/Werkzeuge');
  }
  head.push(`Source0: ${name}.txt`);
  const sources: Record<string, string> = { [`${name}.txt`]: `source of ${name}\n` };
  if (k % 2 === 0) {
    head.push(`Source1: ${name}-extra.dat`, `Patch0: ${name}-fix.patch`);
    sources[`${name}-extra.dat`] = `äöü ${k}\n`;
    sources[`${name}-fix.patch`] = `--- a\n+++ b\n@@ -1 +1 @@\n-a\n+b\n`;
    // Dependencies of the source package.
    head.push(`BuildRequires: br${k} >= 1.${k}, (br${k}-a or br${k}-b)`, `BuildConflicts: bc${k} < 2`, 'ExcludeArch: s390x ppc64le');
  }
  // A .nosrc.rpm: Source1 stays out of the source package's payload (listed as %ghost).
  if (k === 0) head.push('NoSource: 1');
  if (!native) head.push('BuildArch: noarch');
  let desc = `%description\nMain package of corpus spec ${k} (${comp.name}, digest ${algo}).\nSecond line — ünïcödé.\n\n  Indented paragraph.`;
  if (k % 4 === 1) desc += `\n\n%description -l de\nDeutsche Beschreibung von Spec ${k}.`;

  const sections: string[] = [];
  const installs: string[] = ['echo readme > README.strata', 'echo license > LICENSE.strata'];
  const fileSections: string[] = [];
  const scripts: string[] = [];
  for (let j = 0; j <= SUBPACKAGES; j++) {
    const g = k * (SUBPACKAGES + 1) + j;
    const sub = j === 0 ? '' : `${name}-s${pad(j)}`;
    const parts = filesFor(g, k, j, native, sub);
    const deps = depLines(g);
    if (j === 0) {
      head.push(...deps);
    } else {
      const pre: string[] = [`%package -n ${sub}`, `Summary: ${SUMMARIES[(g + 1) % SUMMARIES.length]} ${g}`];
      if (g % 3 === 0) pre.push(`Epoch: ${g % 4}`);
      if (g % 4 === 1) pre.push(`Version: 1.0~rc${g}`);
      if (g % 4 === 2) pre.push(`Version: 2.0^git${g}`);
      if (g % 4 === 3) pre.push(`Release: ${g}.strata~pre`);
      if (g % 5 === 3) pre.push(`License: ${LICENSES[g % LICENSES.length]}`, `Group: ${GROUPS[g % GROUPS.length]}`);
      if (g % 7 === 2) pre.push(`URL: https://example.org/sub/${g}`);
      if (native && g % 2 === 1) pre.push('BuildArch: noarch');
      if (g % 5 === 4) pre.push('AutoReqProv: no');
      pre.push(...deps);
      const d = g % 2 ? `Subpackage ${g}: žluťoučký ☃\nline two` : `Subpackage ${g}.`;
      sections.push(`${pre.join('\n')}\n\n%description -n ${sub}\n${d}\n`);
    }
    installs.push(...parts.install);
    fileSections.push(`%files${sub ? ` -n ${sub}` : ''}\n${parts.files.join('\n')}\n`);
    scripts.push(...parts.scripts);
  }

  let changelog = '';
  if (k % 3 !== 0) {
    const entries: string[] = [];
    const base = Date.UTC(2024, 0, 1) - k * 86_400_000;
    for (let i = 0; i < (k % 4) + 1; i++) {
      const d = new Date(base - i * 37 * 86_400_000);
      entries.push(
        `* ${changelogDate(d)} ${AUTHORS[(k + i) % AUTHORS.length]} - ${k}.${i}-1\n- change ${i} of spec ${k}\n- second line: ünïcödé ☃`,
      );
    }
    changelog = `%changelog\n${entries.join('\n\n')}\n`;
  }

  const text = [
    head.join('\n'),
    '',
    desc,
    '',
    sections.join('\n'),
    '%prep',
    'cp %{SOURCE0} .',
    '',
    '%build',
    '',
    '%install',
    installs.join('\n'),
    '',
    fileSections.join('\n'),
    scripts.join('\n\n'),
    '',
    changelog,
  ].join('\n');
  return {
    name,
    text,
    sources,
    defines: {
      _binary_payload: comp.io,
      _source_payload: comp.io,
      _binary_filedigest_algorithm: String(algo),
      _source_filedigest_algorithm: String(algo),
    },
  };
}

function largeSpec(): SpecPlan {
  const text = `Name: strata-large
Version: 1.0
Release: 1
Summary: One sparse file over 4 GiB (INT64 size tags)
License: MIT
BuildArch: noarch

%description
The file is sparse and all zeros, so zstd at level 1 packs it into a small payload.

%install
mkdir -p %{buildroot}/usr/share/strata-large
truncate -s 4294967297 %{buildroot}/usr/share/strata-large/sparse
echo small > %{buildroot}/usr/share/strata-large/small

%files
/usr/share/strata-large
`;
  return {
    name: 'strata-large',
    text,
    sources: {},
    slow: true,
    defines: {
      _binary_payload: 'w1.zstdio',
      _source_payload: 'w1.zstdio',
      _binary_filedigest_algorithm: '1',
      __os_install_post: '%{nil}',
    },
  };
}

function tagtypesSpec(): SpecPlan {
  const text = `Name: strata-tagtypes
Version: 1.0
Release: 1
Summary: Base for the CHAR/INT8 header rewrite
License: MIT
BuildArch: noarch
Prefix: /usr/share

%description
Rewritten after the build to carry FILESTATES (CHAR) and an unknown INT8 tag.

%install
mkdir -p %{buildroot}/usr/share/strata-tagtypes
for f in a b c d e; do echo $f > %{buildroot}/usr/share/strata-tagtypes/$f; done

%files
/usr/share/strata-tagtypes
`;
  return { name: 'strata-tagtypes', text, sources: {}, defines: { _binary_payload: 'w6.gzdio' } };
}

export function corpusSpecs(): SpecPlan[] {
  const specs = [largeSpec(), tagtypesSpec()];
  for (let k = 0; k < MATRIX_SPECS; k++) specs.push(matrixSpec(k));
  return specs;
}

// ---- header rewrite (CHAR / INT8 coverage) ----

const TYPE_SIZE = [0, 1, 1, 2, 4, 8, 0, 1, 0, 0];
const TYPE_ALIGN = [1, 1, 1, 2, 4, 8, 1, 1, 1, 1];

interface RawEntry {
  tag: number;
  type: number;
  count: number;
  data: Uint8Array;
}

interface RawHeader {
  entries: RawEntry[];
  regionTag: number;
  /** Byte length including the magic. */
  size: number;
}

function readRawHeader(buf: Uint8Array, at: number): RawHeader {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const il = dv.getUint32(at + 8);
  const dl = dv.getUint32(at + 12);
  const idx = at + 16;
  const store = buf.subarray(idx + il * 16, idx + il * 16 + dl);
  const entries: RawEntry[] = [];
  let regionTag = 0;
  for (let i = 0; i < il; i++) {
    const p = idx + i * 16;
    const tag = dv.getUint32(p);
    const type = dv.getUint32(p + 4);
    const offset = dv.getInt32(p + 8);
    const count = dv.getUint32(p + 12);
    if (i === 0 && (tag === 62 || tag === 63)) {
      regionTag = tag;
      const trailer = new DataView(store.buffer, store.byteOffset + offset, 16);
      if (-trailer.getInt32(8) !== il * 16) throw new Error('corpus: header has entries outside its region');
      continue;
    }
    let len = TYPE_SIZE[type] * count;
    if (type === 6 || type === 8 || type === 9) {
      let o = offset;
      for (let n = 0; n < count; n++) o = store.indexOf(0, o) + 1;
      len = o - offset;
    }
    entries.push({ tag, type, count, data: store.slice(offset, offset + len) });
  }
  return { entries, regionTag, size: 16 + il * 16 + dl };
}

/** Serialises entries sorted by tag, data laid out in index order, with a fresh region trailer. */
function writeRawHeader(entries: RawEntry[], regionTag: number): Uint8Array {
  const sorted = [...entries].sort((a, b) => a.tag - b.tag);
  const il = sorted.length + 1;
  const offsets: number[] = [];
  let dl = 0;
  for (const e of sorted) {
    dl += (TYPE_ALIGN[e.type] - (dl % TYPE_ALIGN[e.type])) % TYPE_ALIGN[e.type];
    offsets.push(dl);
    dl += e.data.length;
  }
  const trailerAt = dl;
  dl += 16;
  const out = new Uint8Array(16 + il * 16 + dl);
  const dv = new DataView(out.buffer);
  out.set([0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0]);
  dv.setUint32(8, il);
  dv.setUint32(12, dl);
  const storeAt = 16 + il * 16;
  const putIndex = (i: number, tag: number, type: number, offset: number, count: number): void => {
    dv.setUint32(16 + i * 16, tag);
    dv.setUint32(16 + i * 16 + 4, type);
    dv.setInt32(16 + i * 16 + 8, offset);
    dv.setUint32(16 + i * 16 + 12, count);
  };
  putIndex(0, regionTag, 7, trailerAt, 16);
  sorted.forEach((e, i) => {
    putIndex(i + 1, e.tag, e.type, offsets[i], e.count);
    out.set(e.data, storeAt + offsets[i]);
  });
  const t = new DataView(out.buffer, storeAt + trailerAt, 16);
  t.setUint32(0, regionTag);
  t.setUint32(4, 7);
  t.setInt32(8, -il * 16);
  t.setUint32(12, 16);
  return out;
}

/**
 * Rewrites a package's main header with `edit` and fixes the signature header in place
 * (SIZE, LONGSIZE, MD5, SHA1, SHA256), so the result is a package rpm verifies.
 */
function rewritePackage(pkg: Uint8Array, edit: (entries: RawEntry[]) => RawEntry[], leadName: string): Uint8Array {
  const sig = readRawHeader(pkg, 96);
  const hdrAt = 96 + sig.size + ((8 - (sig.size % 8)) % 8);
  const hdr = readRawHeader(pkg, hdrAt);
  const payload = pkg.subarray(hdrAt + hdr.size);
  const newHdr = writeRawHeader(edit(hdr.entries), hdr.regionTag);
  const sigBytes = pkg.slice(96, 96 + sig.size);
  const sdv = new DataView(sigBytes.buffer);
  const sil = sdv.getUint32(8);
  const sstore = 16 + sil * 16;
  const total = newHdr.length + payload.length;
  const md5 = createHash('md5').update(newHdr).update(payload).digest();
  for (let i = 0; i < sil; i++) {
    const tag = sdv.getUint32(16 + i * 16);
    const off = sstore + sdv.getInt32(16 + i * 16 + 8);
    if (tag === 1000) sdv.setUint32(off, total);
    else if (tag === 270) sdv.setBigUint64(off, BigInt(total));
    else if (tag === 1004) sigBytes.set(md5, off);
    else if (tag === 269) sigBytes.set(Buffer.from(createHash('sha1').update(newHdr).digest('hex')), off);
    else if (tag === 273) sigBytes.set(Buffer.from(createHash('sha256').update(newHdr).digest('hex')), off);
    else if (tag !== 62 && tag !== 1007 && tag !== 1008 && tag !== 271) {
      throw new Error(`corpus: cannot update signature tag ${tag}`);
    }
  }
  const lead = pkg.slice(0, 96);
  lead.fill(0, 10, 76);
  lead.set(Buffer.from(leadName).subarray(0, 65), 10);
  const sigPad = new Uint8Array(hdrAt - 96 - sig.size);
  return Buffer.concat([lead, sigBytes, sigPad, newHdr, payload]);
}

function stringData(s: string): Uint8Array {
  return Buffer.concat([Buffer.from(s), Buffer.of(0)]);
}

/** Adds FILESTATES (CHAR, one per file) and INT8_TAG (INT8) and renames the package. */
async function makeTagtypesPackage(src: string, dest: string): Promise<void> {
  const bytes = new Uint8Array(await fs.readFile(src));
  const out = rewritePackage(
    bytes,
    (entries) => {
      const basenames = entries.find((e) => e.tag === 1117);
      if (!basenames) throw new Error('corpus: strata-tagtypes has no files');
      const nfiles = basenames.count;
      const rest = entries
        .filter((e) => e.tag !== 1000)
        .concat(
          { tag: 1000, type: 6, count: 1, data: stringData(TAGTYPES_NAME) },
          { tag: 1029, type: 1, count: nfiles, data: Uint8Array.from({ length: nfiles }, (_, i) => [0, 1, 2, 3, 5][i % 5]) },
          { tag: INT8_TAG, type: 2, count: 4, data: Uint8Array.of(0, 1, 127, 255) },
        );
      return rest;
    },
    `${TAGTYPES_NAME}-1.0-1`,
  );
  await fs.writeFile(dest, out);
}

// ---- building ----

function inputsHash(specs: SpecPlan[], self: string, rpmVersion: string): string {
  return createHash('sha256').update(JSON.stringify({ specs, self, rpmVersion })).digest('hex');
}

interface Stamp {
  hash: string;
  packages: string[];
}

async function readStamp(dir: string, hash: string): Promise<string[] | undefined> {
  try {
    const stamp = JSON.parse(await fs.readFile(path.join(dir, STAMP), 'utf8')) as Stamp;
    if (stamp.hash !== hash) return undefined;
    const paths = stamp.packages.map((p) => path.join(dir, p));
    for (const p of paths) await fs.access(p, fsc.R_OK);
    return paths;
  } catch {
    return undefined;
  }
}

async function buildSpec(spec: SpecPlan, work: string, outDir: string, home: string): Promise<void> {
  const top = path.join(work, spec.name);
  await fs.mkdir(path.join(top, 'SOURCES'), { recursive: true });
  await fs.mkdir(path.join(top, 'SPECS'), { recursive: true });
  for (const [f, content] of Object.entries(spec.sources)) await fs.writeFile(path.join(top, 'SOURCES', f), content);
  const specPath = path.join(top, 'SPECS', `${spec.name}.spec`);
  await fs.writeFile(specPath, spec.text);
  const defines: Record<string, string> = {
    _topdir: top,
    _tmppath: path.join(top, 'tmp'),
    _buildhost: 'strata-corpus.example',
    ...spec.defines,
  };
  await fs.mkdir(defines._tmppath, { recursive: true });
  const args = ['-ba', '--nodeps', '--quiet'];
  for (const [k, v] of Object.entries(defines)) args.push('--define', `${k} ${v}`);
  args.push(specPath);
  try {
    await run('rpmbuild', args, {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LC_ALL: 'C', TMPDIR: defines._tmppath },
      maxBuffer: 64 << 20,
    });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`rpmbuild ${spec.name} failed: ${err.message}\n${(err.stderr ?? '').slice(-4000)}`, { cause: e });
  }
  for (const sub of ['RPMS', 'SRPMS']) {
    for (const f of await fs.readdir(path.join(top, sub), { recursive: true })) {
      if (!f.endsWith('.rpm')) continue;
      const dest = path.join(outDir, sub, f);
      await fs.mkdir(path.dirname(dest), { recursive: true });
      await fs.rename(path.join(top, sub, f), dest);
    }
  }
  await fs.rm(top, { recursive: true, force: true });
}

/** Runs fn over items, n at a time; after a failure starts nothing new, waits for the rest, rethrows. */
async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (next < items.length && failure === undefined) {
      try {
        await fn(items[next++]);
      } catch (e) {
        failure ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  if (failure !== undefined) throw failure;
}

async function listRpms(dir: string): Promise<string[]> {
  const all = await fs.readdir(dir, { recursive: true });
  return all.filter((f) => f.endsWith('.rpm')).sort();
}

/** One builder at a time across test processes: a lock directory holding the builder's pid. */
export async function withLock<T>(lock: string, fn: () => Promise<T>): Promise<T> {
  await fs.mkdir(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      await fs.mkdir(lock);
      await fs.writeFile(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // Another process builds; take over only if it died.
      const pid = Number(await fs.readFile(path.join(lock, 'pid'), 'utf8').catch(() => '0'));
      let alive = pid > 0;
      if (alive) {
        try {
          process.kill(pid, 0);
        } catch {
          alive = false;
        }
      }
      if (!alive && pid > 0) await fs.rm(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lock, { recursive: true, force: true });
  }
}

/** Builds (or reuses) the corpus and returns the absolute paths of all its packages. */
export async function buildCorpus(): Promise<string[]> {
  const specs = corpusSpecs();
  const self = await fs.readFile(import.meta.filename, 'utf8');
  const rpmVersion = (await run('rpmbuild', ['--version'])).stdout.trim();
  const hash = inputsHash(specs, self, rpmVersion);
  const cached = await readStamp(CORPUS_DIR, hash);
  if (cached) return cached;

  await fs.mkdir(path.dirname(CORPUS_DIR), { recursive: true });
  return withLock(`${CORPUS_DIR}.lock`, async () => {
    const again = await readStamp(CORPUS_DIR, hash);
    if (again) return again;
    const tmp = `${CORPUS_DIR}.tmp-${process.pid}`;
    await fs.rm(tmp, { recursive: true, force: true });
    const work = path.join(tmp, 'work');
    const home = path.join(tmp, 'home');
    await fs.mkdir(home, { recursive: true });
    try {
      const ordered = [...specs.filter((s) => s.slow), ...specs.filter((s) => !s.slow)];
      await pool(ordered, Math.min(PARALLEL, Math.max(1, os.availableParallelism())), (s) => buildSpec(s, work, tmp, home));
      const base = (await listRpms(path.join(tmp, 'RPMS'))).find((f) => path.basename(f).startsWith('strata-tagtypes-1.0'));
      if (!base) throw new Error('corpus: strata-tagtypes was not built');
      await fs.mkdir(path.join(tmp, 'RPMS', 'patched'), { recursive: true });
      await makeTagtypesPackage(path.join(tmp, 'RPMS', base), path.join(tmp, 'RPMS', 'patched', `${TAGTYPES_NAME}-1.0-1.noarch.rpm`));
      await fs.rm(work, { recursive: true, force: true });
      await fs.rm(home, { recursive: true, force: true });
      const packages = [
        ...(await listRpms(path.join(tmp, 'RPMS'))).map((f) => path.join('RPMS', f)),
        ...(await listRpms(path.join(tmp, 'SRPMS'))).map((f) => path.join('SRPMS', f)),
      ];
      const stamp: Stamp = { hash, packages };
      await fs.writeFile(path.join(tmp, STAMP), `${JSON.stringify(stamp, null, 1)}\n`);
      await fs.rm(CORPUS_DIR, { recursive: true, force: true });
      await fs.rename(tmp, CORPUS_DIR);
    } catch (e) {
      await fs.rm(tmp, { recursive: true, force: true });
      throw e;
    }
    const built = await readStamp(CORPUS_DIR, hash);
    if (!built) throw new Error('corpus: stamp missing after build');
    return built;
  });
}
