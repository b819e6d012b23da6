// A deterministic, Fedora-shaped package universe for bench/solve.ts, rendered as rpm-md records in
// two generations: "new" (the repository being solved against) and "old" (what an installed system
// had before: older EVRs, a few packages under their previous names, older soname majors).
//
// Shape: a hand-written base set (glibc, bash, coreutils, systemd, perl, python3, …) that every
// generated package ends up depending on, then source packages in topological order — each binary
// package depends only on packages made before it, so every dependency is satisfiable by
// construction, in both generations. Families follow Fedora's: C libraries (lib + -devel + -doc,
// some i686 multilib), applications (+ -libs, -devel, -doc, -common), perl(…), python3dist(…),
// golang(…), crate(…), tex(…), font(…). Conflicts never hit a real version ("X < 0.1") except in
// a few pairs of alternative providers, which nothing requires both of.

import { createHash } from 'node:crypto';
import type { RepoDep, RepoDepFlags, RepoFile, RepoPackage } from '../../src/repo/model.ts';
import { emptyRepoPackage } from '../../src/repo/model.ts';
import { prng } from '../../test/support/prng.ts';

export type Gen = 'old' | 'new';

/** A dependency by reference, rendered per generation (names, soname majors and EVRs differ). */
export type Ref =
  | { t: 'name'; u: number; op?: 'GE' | 'EQ' | 'ISA' }
  | { t: 'soname'; u: number; i: number }
  | { t: 'virt'; u: number; i: number; ge?: boolean }
  | { t: 'path'; path: string }
  | { t: 'lt'; u: number; below?: boolean }
  | { t: 'or' | 'if' | 'and' | 'with'; a: Ref; b: Ref };

interface Source {
  name: string;
  epoch: number;
  major: number;
  minor: number;
  patch: number;
  rel: number;
  /** Old generation: 'same' EVR, lower 'release' or lower 'patch'. */
  change: 'same' | 'release' | 'patch';
  /** Extra older builds present in the new repository (0-2). */
  extra: number;
  /** Sonames of this source get major + 1 in the new generation. */
  bump: boolean;
}

export interface Unit {
  id: number;
  name: string;
  /** Name in the old generation when the package was renamed since. */
  oldName?: string;
  arch: 'x86_64' | 'noarch' | 'i686';
  src: Source;
  /** Soname base + major in the old generation: lib<base>.so.<major>. */
  sonames: Array<[string, number]>;
  /** Extra provides ("pkgconfig(x)", "perl(X::Y)"…), written "= version" when versioned. */
  virt: Array<[string, boolean]>;
  files: RepoFile[];
  requires: Ref[];
  /** Requires(post): written pre="1". */
  pre: Ref[];
  recommends: Ref[];
  suggests: Ref[];
  supplements: Ref[];
  enhances: Ref[];
  conflicts: Ref[];
  /** Obsoletes of names that do not exist (noise, as real repositories have). */
  obsoletes: string[];
  kind: 'main' | 'devel' | 'libs' | 'doc' | 'common' | 'tools' | 'i686' | 'base';
  alt?: boolean;
}

export interface Universe {
  units: Unit[];
  /** The fixed install set: names present in both generations. */
  serverSet: string[];
  stats: Record<string, number>;
}

const SYL = ['ba', 'ko', 'ri', 'tem', 'sul', 'dar', 'fen', 'gi', 'lo', 'mur', 'nex', 'pa', 'quo', 'ras', 'si', 'tor', 'ul', 'vi', 'wen', 'xa', 'yo', 'zel', 'cor', 'den', 'el', 'fa', 'gor', 'hu', 'in', 'jo', 'kal', 'lin', 'mo', 'no', 'ox', 'pi', 'qua', 're', 'sto', 'tu'];

/** How strongly dependencies go to early (fundamental) packages: sets the size of install closures. */
const SKEW = Number(process.env.SOLVE_SKEW ?? 10);

export function generateUniverse(count: number, seed = 7): Universe {
  const rand = prng(seed);
  const ri = (n: number): number => Math.floor(rand() * n);
  const chance = (p: number): boolean => rand() < p;
  /** Skewed toward the start of a pool: early (fundamental) packages get most dependents. */
  const skew = <T>(pool: T[], k = SKEW): T => pool[Math.floor(pool.length * rand() ** k)];
  const units: Unit[] = [];
  /** Packages in the new repository (units plus extra older builds). */
  let total = 0;
  const byName = new Map<string, number>();
  const usedStems = new Set<string>();
  const stem = (): string => {
    for (;;) {
      const n = 2 + ri(2);
      let s = '';
      for (let i = 0; i < n; i++) s += SYL[ri(SYL.length)];
      if (chance(0.15)) s += String(ri(9) + 1);
      if (!usedStems.has(s)) {
        usedStems.add(s);
        return s;
      }
    }
  };
  const cap = (s: string): string => s[0].toUpperCase() + s.slice(1);

  // Pools of things later packages can depend on.
  const soPool: Array<[number, number]> = [];
  const so686: Array<[number, number]> = [];
  const namePool: number[] = [];
  const binPool: Array<[number, string]> = [];
  const libexecPool: Array<[number, string]> = [];
  const perlPool: Array<[number, number]> = [];
  const pyPool: Array<[number, number]> = [];
  const goPool: Array<[number, number]> = [];
  const cratePool: Array<[number, number]> = [];
  const texPool: Array<[number, number]> = [];
  const pcPool: Array<[number, number]> = [];
  const altCaps: string[] = [];

  const newSource = (name: string, base = false): Source => ({
    name,
    epoch: !base && chance(0.03) ? 1 + ri(2) : 0,
    major: Math.floor(4 * rand() ** 2),
    minor: ri(30),
    patch: 1 + ri(20),
    rel: 1 + ri(6),
    change: chance(0.35) ? 'same' : chance(0.5) ? 'release' : 'patch',
    extra: !base && chance(0.015) ? 1 + ri(2) : 0,
    bump: false,
  });
  const add = (u: Omit<Unit, 'id' | 'sonames' | 'virt' | 'files' | 'requires' | 'pre' | 'recommends' | 'suggests' | 'supplements' | 'enhances' | 'conflicts' | 'obsoletes'> & Partial<Unit>): Unit => {
    const unit: Unit = {
      id: units.length,
      sonames: [],
      virt: [],
      files: [],
      requires: [],
      pre: [],
      recommends: [],
      suggests: [],
      supplements: [],
      enhances: [],
      conflicts: [],
      obsoletes: [],
      ...u,
    };
    units.push(unit);
    total += 1 + unit.src.extra;
    if (unit.arch !== 'i686') byName.set(unit.name, unit.id);
    else byName.set(`${unit.name}.i686`, unit.id);
    return unit;
  };
  const soOf = (u: Unit, lib: string): Ref => {
    const i = u.sonames.findIndex((s) => s[0] === lib);
    if (i < 0) throw new Error(`internal: ${u.name} has no soname ${lib}`);
    return { t: 'soname', u: u.id, i };
  };
  const named = (n: string): Unit => {
    const id = byName.get(n);
    if (id === undefined) throw new Error(`internal: no base package ${n}`);
    return units[id];
  };

  // ---- the base set --------------------------------------------------------------------------
  // [name, arch, source, sonames, files, requires ("so:name:lib", "pkg:name", "isa:name", "path:/x")]
  type BaseDef = [string, Unit['arch'], string, string[], string[], string[], string[]?];
  const BASE: BaseDef[] = [
    ['setup', 'noarch', 'setup', [], ['/etc/passwd', '/etc/group', '/etc/hosts', '/etc/shells'], []],
    ['filesystem', 'x86_64', 'filesystem', [], ['/usr/bin/', '/usr/lib64/', '/usr/share/', '/etc/', '/var/'], ['pkg:setup']],
    ['basesystem', 'noarch', 'basesystem', [], [], ['pkg:setup', 'pkg:filesystem']],
    ['tzdata', 'noarch', 'tzdata', [], ['/usr/share/zoneinfo/UTC'], []],
    ['ncurses-base', 'noarch', 'ncurses', [], ['/usr/share/terminfo/x/xterm'], []],
    ['libgcc', 'x86_64', 'gcc', ['gcc_s:1'], [], []],
    ['glibc-common', 'x86_64', 'glibc', [], ['/usr/bin/locale', '/usr/bin/iconv', '/usr/bin/getent'], ['pkg:tzdata', 'isa:glibc']],
    ['glibc-minimal-langpack', 'x86_64', 'glibc', [], [], ['isa:glibc', 'isa:glibc-common']],
    ['glibc-all-langpacks', 'x86_64', 'glibc', [], ['/usr/lib/locale/locale-archive'], ['isa:glibc', 'isa:glibc-common']],
    ['glibc', 'x86_64', 'glibc', ['c:6', 'm:6', 'pthread:0', 'dl:2', 'rt:1', 'resolv:2', 'util:1'], ['/usr/sbin/ldconfig', '/usr/lib64/ld-linux-x86-64.so.2'], ['isa:glibc-common', 'pkg:basesystem', 'or:glibc-minimal-langpack|glibc-all-langpacks', 'so:libgcc:gcc_s']],
    ['zlib-ng-compat', 'x86_64', 'zlib-ng', ['z:1'], [], ['so:glibc:c']],
    ['xz-libs', 'x86_64', 'xz', ['lzma:5'], [], ['so:glibc:c']],
    ['bzip2-libs', 'x86_64', 'bzip2', ['bz2:1'], [], ['so:glibc:c']],
    ['libzstd', 'x86_64', 'zstd', ['zstd:1'], [], ['so:glibc:c']],
    ['lz4-libs', 'x86_64', 'lz4', ['lz4:1'], [], ['so:glibc:c']],
    ['libxcrypt', 'x86_64', 'libxcrypt', ['crypt:2'], [], ['so:glibc:c']],
    ['libattr', 'x86_64', 'attr', ['attr:1'], [], ['so:glibc:c']],
    ['libacl', 'x86_64', 'acl', ['acl:1'], [], ['so:glibc:c', 'so:libattr:attr']],
    ['libcap', 'x86_64', 'libcap', ['cap:2'], ['/usr/sbin/capsh'], ['so:glibc:c']],
    ['libcap-ng', 'x86_64', 'libcap-ng', ['cap-ng:0'], [], ['so:glibc:c']],
    ['pcre2', 'x86_64', 'pcre2', ['pcre2-8:0', 'pcre2-posix:3'], [], ['so:glibc:c']],
    ['libsepol', 'x86_64', 'libsepol', ['sepol:2'], [], ['so:glibc:c']],
    ['libselinux', 'x86_64', 'libselinux', ['selinux:1'], [], ['so:glibc:c', 'so:pcre2:pcre2-8']],
    ['ncurses-libs', 'x86_64', 'ncurses', ['ncursesw:6', 'tinfo:6', 'panelw:6'], [], ['so:glibc:c', 'pkg:ncurses-base']],
    ['readline', 'x86_64', 'readline', ['readline:8'], [], ['so:glibc:c', 'so:ncurses-libs:tinfo']],
    ['gmp', 'x86_64', 'gmp', ['gmp:10'], [], ['so:glibc:c']],
    ['mpfr', 'x86_64', 'mpfr', ['mpfr:6'], [], ['so:glibc:c', 'so:gmp:gmp']],
    ['crypto-policies', 'noarch', 'crypto-policies', [], ['/etc/crypto-policies/config', '/usr/bin/update-crypto-policies'], []],
    ['ca-certificates', 'noarch', 'ca-certificates', [], ['/etc/pki/tls/certs/ca-bundle.crt', '/usr/bin/update-ca-trust'], ['path:/bin/sh']],
    ['openssl-libs', 'x86_64', 'openssl', ['ssl:3', 'crypto:3'], [], ['so:glibc:c', 'so:zlib-ng-compat:z', 'pkg:crypto-policies', 'pkg:ca-certificates']],
    ['libstdc++', 'x86_64', 'gcc', ['stdc++:6'], [], ['so:glibc:c', 'so:libgcc:gcc_s']],
    ['libffi', 'x86_64', 'libffi', ['ffi:8'], [], ['so:glibc:c']],
    ['expat', 'x86_64', 'expat', ['expat:1'], ['/usr/bin/xmlwf'], ['so:glibc:c']],
    ['sqlite-libs', 'x86_64', 'sqlite', ['sqlite3:0'], [], ['so:glibc:c', 'so:zlib-ng-compat:z']],
    ['libuuid', 'x86_64', 'util-linux', ['uuid:1'], [], ['so:glibc:c']],
    ['libblkid', 'x86_64', 'util-linux', ['blkid:1'], [], ['so:glibc:c', 'so:libuuid:uuid']],
    ['libmount', 'x86_64', 'util-linux', ['mount:1'], [], ['so:glibc:c', 'so:libblkid:blkid', 'so:libselinux:selinux']],
    ['audit-libs', 'x86_64', 'audit', ['audit:1', 'auparse:0'], [], ['so:glibc:c', 'so:libcap-ng:cap-ng']],
    ['keyutils-libs', 'x86_64', 'keyutils', ['keyutils:1'], [], ['so:glibc:c']],
    ['krb5-libs', 'x86_64', 'krb5', ['krb5:3', 'gssapi_krb5:2', 'k5crypto:3', 'krb5support:0'], ['/etc/krb5.conf'], ['so:glibc:c', 'so:keyutils-libs:keyutils', 'so:openssl-libs:crypto', 'so:libselinux:selinux']],
    ['bash', 'x86_64', 'bash', [], ['/usr/bin/bash', '/usr/bin/sh', '/etc/skel/.bashrc'], ['so:glibc:c', 'so:ncurses-libs:tinfo', 'pkg:filesystem'], ['/bin/sh', '/bin/bash']],
    ['coreutils-common', 'noarch', 'coreutils', [], ['/usr/share/locale/de/LC_MESSAGES/coreutils.mo'], []],
    ['coreutils', 'x86_64', 'coreutils', [], ['/usr/bin/ls', '/usr/bin/cp', '/usr/bin/env', '/usr/bin/cat', '/usr/bin/install', '/usr/bin/mktemp'], ['so:glibc:c', 'isa:coreutils-common', 'so:libacl:acl', 'so:libattr:attr', 'so:libcap:cap', 'so:libselinux:selinux', 'so:openssl-libs:crypto', 'so:gmp:gmp']],
    ['grep', 'x86_64', 'grep', [], ['/usr/bin/grep', '/usr/bin/egrep'], ['so:glibc:c', 'so:pcre2:pcre2-8', 'path:/bin/sh']],
    ['sed', 'x86_64', 'sed', [], ['/usr/bin/sed'], ['so:glibc:c', 'so:libacl:acl', 'so:libselinux:selinux']],
    ['gawk', 'x86_64', 'gawk', [], ['/usr/bin/gawk', '/usr/bin/awk'], ['so:glibc:c', 'so:mpfr:mpfr', 'so:gmp:gmp', 'so:readline:readline', 'pkg:filesystem']],
    ['pam-libs', 'x86_64', 'pam', ['pam:0', 'pam_misc:0'], [], ['so:glibc:c', 'so:audit-libs:audit']],
    ['util-linux-core', 'x86_64', 'util-linux', [], ['/usr/bin/mount', '/usr/bin/umount', '/usr/sbin/agetty'], ['so:glibc:c', 'so:libmount:mount', 'so:libblkid:blkid', 'so:libuuid:uuid', 'so:libselinux:selinux']],
    ['shadow-utils', 'x86_64', 'shadow-utils', [], ['/usr/sbin/useradd', '/usr/sbin/groupadd', '/etc/login.defs'], ['so:glibc:c', 'so:libxcrypt:crypt', 'so:audit-libs:audit', 'so:libselinux:selinux', 'pkg:setup']],
    ['pam', 'x86_64', 'pam', [], ['/etc/pam.d/other', '/usr/sbin/pam_timestamp_check'], ['so:glibc:c', 'isa:pam-libs', 'so:libxcrypt:crypt', 'so:audit-libs:audit', 'path:/usr/sbin/useradd', 'pkg:coreutils']],
    ['util-linux', 'x86_64', 'util-linux', [], ['/usr/bin/lsblk', '/usr/bin/more', '/usr/sbin/fdisk'], ['so:glibc:c', 'isa:util-linux-core', 'so:pam-libs:pam', 'so:ncurses-libs:ncursesw', 'so:readline:readline', 'pkg:pam']],
    ['libseccomp', 'x86_64', 'libseccomp', ['seccomp:2'], [], ['so:glibc:c']],
    ['dbus-libs', 'x86_64', 'dbus', ['dbus-1:3'], [], ['so:glibc:c', 'so:audit-libs:audit', 'so:libselinux:selinux']],
    ['dbus-common', 'noarch', 'dbus', [], ['/usr/share/dbus-1/system.conf'], []],
    ['systemd-libs', 'x86_64', 'systemd', ['systemd:0', 'udev:1'], [], ['so:glibc:c', 'so:lz4-libs:lz4', 'so:xz-libs:lzma', 'so:libzstd:zstd', 'so:libcap:cap', 'so:libmount:mount']],
    ['dbus-broker', 'x86_64', 'dbus-broker', [], ['/usr/bin/dbus-broker'], ['so:glibc:c', 'so:systemd-libs:systemd', 'so:audit-libs:audit', 'pkg:dbus-common']],
    ['dbus', 'x86_64', 'dbus', [], [], ['pkg:dbus-broker', 'pkg:dbus-common', 'pkg:systemd']],
    ['systemd-pam', 'x86_64', 'systemd', [], ['/usr/lib64/security/pam_systemd.so'], ['so:glibc:c', 'isa:systemd', 'so:pam-libs:pam']],
    ['systemd', 'x86_64', 'systemd', ['systemd-shared-258:0'], ['/usr/bin/systemctl', '/usr/bin/journalctl', '/usr/lib/systemd/systemd', '/etc/systemd/system.conf'], ['so:glibc:c', 'isa:systemd-libs', 'so:libseccomp:seccomp', 'so:pam-libs:pam', 'so:libselinux:selinux', 'so:openssl-libs:crypto', 'pkg:util-linux-core', 'pkg:dbus', 'pkg:shadow-utils', 'path:/bin/sh']],
    ['systemd-udev', 'x86_64', 'systemd', [], ['/usr/bin/udevadm'], ['so:glibc:c', 'isa:systemd', 'so:systemd-libs:udev', 'so:systemd:systemd-shared-258']],
    ['perl-libs', 'x86_64', 'perl', ['perl:5.40'], ['/usr/lib64/perl5/vendor_perl/'], ['so:glibc:c', 'so:libxcrypt:crypt'], ['perl(:MODULE_COMPAT_5.40.0)', 'perl(strict)', 'perl(warnings)', 'perl(Exporter)', 'perl(Carp)']],
    ['perl-interpreter', 'x86_64', 'perl', [], ['/usr/bin/perl'], ['so:glibc:c', 'isa:perl-libs', 'so:perl-libs:perl']],
    ['python3-libs', 'x86_64', 'python3.14', ['python3.14:1.0'], ['/usr/lib64/python3.14/os.py', '/usr/lib/python3.14/site-packages/'], ['so:glibc:c', 'so:expat:expat', 'so:libffi:ffi', 'so:sqlite-libs:sqlite3', 'so:openssl-libs:ssl', 'so:zlib-ng-compat:z', 'so:bzip2-libs:bz2', 'so:xz-libs:lzma']],
    ['python3', 'x86_64', 'python3.14', [], ['/usr/bin/python3', '/usr/bin/python3.14'], ['so:glibc:c', 'isa:python3-libs', 'so:python3-libs:python3.14'], ['python(abi) = 3.14', 'python3dist(pip)']],
    ['popt', 'x86_64', 'popt', ['popt:0'], [], ['so:glibc:c']],
    ['rpm-libs', 'x86_64', 'rpm', ['rpm:10', 'rpmio:10'], [], ['so:glibc:c', 'so:popt:popt', 'so:sqlite-libs:sqlite3', 'so:openssl-libs:crypto', 'so:libzstd:zstd', 'so:xz-libs:lzma', 'so:libacl:acl', 'so:libcap:cap', 'so:audit-libs:audit']],
    ['rpm', 'x86_64', 'rpm', [], ['/usr/bin/rpm', '/usr/bin/rpmkeys', '/usr/lib/rpm/macros'], ['so:glibc:c', 'isa:rpm-libs', 'so:rpm-libs:rpm', 'so:popt:popt', 'pkg:coreutils', 'path:/bin/sh', 'pkg:curl']],
    ['libcurl', 'x86_64', 'curl', ['curl:4'], [], ['so:glibc:c', 'so:openssl-libs:ssl', 'so:zlib-ng-compat:z', 'so:krb5-libs:gssapi_krb5']],
    ['curl', 'x86_64', 'curl', [], ['/usr/bin/curl'], ['so:glibc:c', 'isa:libcurl', 'so:libcurl:curl']],
    ['pkgconf', 'x86_64', 'pkgconf', ['pkgconf:5'], ['/usr/bin/pkgconf'], ['so:glibc:c'], ['pkgconfig']],
    ['pkgconf-pkg-config', 'x86_64', 'pkgconf', [], ['/usr/bin/pkg-config'], ['isa:pkgconf'], ['pkg-config']],
    ['glibc-devel', 'x86_64', 'glibc', [], ['/usr/include/stdio.h', '/usr/lib64/libc.so'], ['isa:glibc'], ['glibc-headers']],
    ['go-filesystem', 'noarch', 'go-rpm-macros', [], ['/usr/share/gocode/src/'], []],
    ['cargo', 'x86_64', 'rust', [], ['/usr/bin/cargo'], ['so:glibc:c', 'so:libgcc:gcc_s', 'so:libcurl:curl', 'so:openssl-libs:ssl'], ['rust-packaging']],
    ['texlive-base', 'noarch', 'texlive-base', [], ['/usr/share/texlive/texmf-dist/ls-R', '/usr/bin/kpsewhich'], ['path:/usr/bin/perl', 'pkg:coreutils']],
    ['fontpackages-filesystem', 'noarch', 'fontpackages', [], ['/usr/share/fonts/'], []],
    ['glibc', 'i686', 'glibc', ['c:6', 'm:6', 'pthread:0', 'dl:2', 'rt:1', 'resolv:2', 'util:1'], ['/usr/lib/ld-linux.so.2'], ['pkg:glibc-common', 'pkg:basesystem', 'so686:libgcc.i686:gcc_s']],
    ['libgcc', 'i686', 'gcc', ['gcc_s:1'], ['/usr/lib/libgcc_s.so.1'], []],
    ['libstdc++', 'i686', 'gcc', ['stdc++:6'], ['/usr/lib/libstdc++.so.6'], ['so686:glibc.i686:c', 'so686:libgcc.i686:gcc_s']],
    ['zlib-ng-compat', 'i686', 'zlib-ng', ['z:1'], ['/usr/lib/libz.so.1'], ['so686:glibc.i686:c']],
  ];
  const baseSources = new Map<string, Source>();
  // Forward references (glibc-common → glibc, dbus → systemd, rpm → curl) are resolved after all
  // base units exist.
  const deferred: Array<[Unit, string]> = [];
  for (const [name, arch, srcName, sonames, files, reqs, virt] of BASE) {
    let src = baseSources.get(srcName);
    if (!src) {
      src = newSource(srcName, true);
      baseSources.set(srcName, src);
    }
    const u = add({ name, arch, src, kind: 'base' });
    u.sonames = sonames.map((s) => {
      const [b, m] = s.split(':');
      return [b, Number(m.split('.')[0])];
    });
    // perl's and python's "majors" are not simple integers: keep them as written via a lookup.
    sonames.forEach((s, i) => {
      const m = s.split(':')[1];
      if (m.includes('.')) specialMajor.set(`${u.id}:${i}`, m);
    });
    u.files = files.map((f) => (f.endsWith('/') ? { path: f.slice(0, -1), type: 'dir' } : { path: f }));
    for (const v of virt ?? []) u.virt.push([v, false]);
    for (const r of reqs) deferred.push([u, r]);
    if (name === 'glibc' && arch === 'x86_64') {
      u.virt.push(['libc.so.6(GLIBC_2.34)(64bit)', false], ['libc.so.6(GLIBC_2.38)(64bit)', false], ['ld-linux-x86-64.so.2()(64bit)', false], ['rtld(GNU_HASH)', false]);
    }
    if (name === 'glibc-minimal-langpack' || name === 'glibc-all-langpacks') u.virt.push(['glibc-langpack', false]);
    if (arch === 'i686') u.sonames.forEach((_, i) => so686.push([u.id, i]));
    else {
      u.sonames.forEach((_, i) => soPool.push([u.id, i]));
      if (!name.startsWith('glibc-')) namePool.push(u.id);
      for (const f of u.files) if (f.path.includes('/bin/') && !f.type) binPool.push([u.id, f.path]);
    }
  }
  const parseBaseRef = (text: string): Ref => {
    const [kind, a, b] = text.split(':');
    switch (kind) {
      case 'pkg':
        return { t: 'name', u: named(a).id };
      case 'isa':
        return { t: 'name', u: named(a).id, op: 'ISA' };
      case 'so':
        return soOf(named(a), b);
      case 'so686':
        return soOf(named(a), b);
      case 'path':
        return { t: 'path', path: a };
      case 'or': {
        const [x, y] = a.split('|');
        return { t: 'or', a: { t: 'name', u: named(x).id }, b: { t: 'name', u: named(y).id } };
      }
    }
    throw new Error(`internal: bad base ref ${text}`);
  };
  for (const [u, r] of deferred) {
    if (r === 'path:/usr/sbin/useradd' || r === 'path:/usr/bin/perl' || r === 'path:/bin/sh') u.pre.push(parseBaseRef(r));
    else u.requires.push(parseBaseRef(r));
  }
  const glibc = named('glibc');
  const glibc686 = units[byName.get('glibc.i686')!];
  const libcRef: Ref = soOf(glibc, 'c');
  const libcVer: Ref = { t: 'virt', u: glibc.id, i: 0 };
  const baseSo = soPool.slice();
  const baseNames = namePool.slice();
  const baseBins = binPool.slice();
  const perlLibs = named('perl-libs');
  const python3 = named('python3');
  const baseCount = units.length;

  // ---- generated sources ---------------------------------------------------------------------
  const FAMILIES: Array<[string, number]> = [
    ['lib', 0.2],
    ['app', 0.3],
    ['perl', 0.13],
    ['python', 0.13],
    ['golang', 0.07],
    ['rust', 0.08],
    ['texlive', 0.06],
    ['font', 0.03],
  ];
  const family = (): string => {
    let r = rand();
    for (const [f, p] of FAMILIES) {
      if (r < p) return f;
      r -= p;
    }
    return 'app';
  };
  /** Sources whose version must differ between generations (they use a bumped soname). */
  const markChanged = (u: Unit, ref: Ref): void => {
    if (ref.t === 'soname' && units[ref.u].src.bump && u.src.change === 'same') u.src.change = 'release';
  };

  /** The usual dependencies of a compiled (x86_64) package. */
  const nativeDeps = (u: Unit, n: number): void => {
    u.requires.push(libcRef);
    if (chance(0.7)) u.requires.push(libcVer);
    for (let k = 2; k < n; k++) {
      const r = rand();
      if (r < 0.3) {
        const [id, i] = skew(baseSo, 1.5);
        u.requires.push({ t: 'soname', u: id, i });
      } else if (r < 0.72) {
        const [id, i] = skew(soPool);
        u.requires.push({ t: 'soname', u: id, i });
      } else if (r < 0.85) {
        u.requires.push({ t: 'name', u: skew(namePool) });
      } else if (r < 0.93) {
        u.requires.push({ t: 'name', u: skew(namePool), op: 'GE' });
      } else {
        u.requires.push({ t: 'name', u: skew(baseNames, 1.2) });
      }
    }
  };
  /** Things every kind of package has now and then. */
  const extras = (u: Unit): void => {
    if (chance(0.03)) {
      const r = rand();
      if (r < 0.3) u.requires.push({ t: 'path', path: '/bin/sh' });
      else if (r < 0.9 || libexecPool.length === 0) {
        const [id, path] = chance(0.5) ? skew(baseBins, 1) : skew(binPool);
        u.requires.push({ t: 'path', path });
        void id;
      } else {
        // Only filelists.xml lists this path (primary keeps /etc and */bin/* only).
        u.requires.push({ t: 'path', path: skew(libexecPool)[1] });
      }
    }
    if (chance(0.025)) u.pre.push({ t: 'path', path: '/bin/sh' });
    if (chance(0.02) && namePool.length > 50) {
      const a: Ref = { t: 'name', u: skew(namePool) };
      const b: Ref = { t: 'name', u: skew(namePool) };
      const r = rand();
      if (r < 0.4) u.requires.push({ t: 'if', a, b });
      else if (r < 0.8) u.requires.push({ t: 'or', a, b });
      else u.requires.push({ t: 'with', a: { t: 'name', u: (a as { u: number }).u, op: 'GE' }, b: { t: 'lt', u: (a as { u: number }).u, below: true } });
    }
    if (chance(0.15) && namePool.length > 50) {
      u.recommends.push({ t: 'name', u: skew(namePool) });
      if (chance(0.3)) u.recommends.push({ t: 'name', u: skew(namePool) });
    }
    if (chance(0.05) && namePool.length > 50) u.suggests.push({ t: 'name', u: skew(namePool, 1) });
    if (chance(0.01) && namePool.length > 50) u.enhances.push({ t: 'name', u: skew(namePool, 1) });
    if (chance(0.015) && namePool.length > 50) {
      u.supplements.push({ t: 'and', a: { t: 'name', u: skew(namePool, 1) }, b: { t: 'name', u: skew(namePool, 1) } });
    }
    if (chance(0.02) && namePool.length > 50) u.conflicts.push({ t: 'lt', u: skew(namePool, 1) });
    if (chance(0.01)) u.obsoletes.push(`${u.name}-compat`);
    if (u.arch !== 'i686' && (u.kind === 'main' || u.kind === 'tools') && chance(0.004)) {
      u.oldName = `${u.name}-classic`;
      u.src.change = 'patch';
    }
  };
  const docOf = (src: Source, main: Unit): void => {
    const d = add({ name: `${src.name}-doc`, arch: 'noarch', src, kind: 'doc' });
    d.files = [{ path: `/usr/share/doc/${d.name}` , type: 'dir' }, { path: `/usr/share/doc/${d.name}/index.html` }, { path: `/usr/share/doc/${d.name}/manual.pdf` }];
    if (chance(0.5)) d.requires.push({ t: 'name', u: main.id, op: 'EQ' });
  };
  const develOf = (src: Source, libUnit: Unit, lname: string): Unit => {
    const d = add({ name: `${lname}-devel`, arch: 'x86_64', src, kind: 'devel' });
    d.virt.push([`pkgconfig(${lname.replace(/^lib/, '')})`, true]);
    d.files = [
      { path: `/usr/include/${lname}`, type: 'dir' },
      { path: `/usr/include/${lname}/${lname}.h` },
      { path: `/usr/lib64/pkgconfig/${lname.replace(/^lib/, '')}.pc` },
      ...libUnit.sonames.map(([b]) => ({ path: `/usr/lib64/lib${b}.so` })),
    ];
    d.requires.push({ t: 'name', u: libUnit.id, op: 'ISA' });
    for (let k = ri(4); k > 0 && pcPool.length; k--) {
      const [id, i] = skew(pcPool);
      d.requires.push({ t: 'virt', u: id, i });
    }
    if (chance(0.08)) d.requires.push({ t: 'path', path: '/usr/bin/pkg-config' });
    pcPool.push([d.id, 0]);
    return d;
  };
  const multilib = (src: Source, x: Unit): void => {
    const m = add({ name: x.name, arch: 'i686', src, kind: 'i686' });
    m.sonames = x.sonames.map((s) => [s[0], s[1]]);
    m.files = m.sonames.map(([b, mj]) => ({ path: `/usr/lib/lib${b}.so.${mj}` }));
    m.requires.push(soOf(glibc686, 'c'));
    for (let k = ri(3); k > 0 && so686.length > 8; k--) {
      const [id, i] = skew(so686, 1.5);
      m.requires.push({ t: 'soname', u: id, i });
    }
    m.sonames.forEach((_, i) => so686.push([m.id, i]));
  };
  const depCount = (): number => 2 + Math.floor(14 * rand() ** 1.3);

  // Pairs of alternative providers: each provides a capability and conflicts with the other.
  const ALT = ['mta', 'server(smtp)', 'syslog', 'cron-daemon', 'ntp-daemon', 'editor(vi)', 'java-headless', 'libjpeg-impl'];

  while (total < count) {
    const f = family();
    const s = stem();
    const at = units.length;
    if (f === 'lib') {
      const src = newSource(`lib${s}`);
      src.bump = chance(0.04);
      if (src.bump) src.change = 'patch';
      const u = add({ name: `lib${s}`, arch: 'x86_64', src, kind: 'main' });
      const nso = 1 + Math.floor(4 * rand() ** 2);
      for (let i = 0; i < nso; i++) u.sonames.push([i === 0 ? s : `${s}-${SYL[ri(SYL.length)]}${i}`, ri(12)]);
      u.files = [...u.sonames.map(([b, m]) => ({ path: `/usr/lib64/lib${b}.so.${m}` })), { path: `/usr/share/licenses/${u.name}/COPYING` }];
      nativeDeps(u, depCount());
      extras(u);
      if (chance(0.85)) develOf(src, u, u.name);
      if (chance(0.25)) docOf(src, u);
      if (chance(0.2)) {
        const t = add({ name: `${u.name}-tools`, arch: 'x86_64', src, kind: 'tools' });
        t.files = [{ path: `/usr/bin/${s}-tool` }, { path: `/usr/share/man/man1/${s}-tool.1.gz` }];
        t.requires.push({ t: 'name', u: u.id, op: 'ISA' }, { t: 'soname', u: u.id, i: 0 });
        nativeDeps(t, depCount());
        extras(t);
        binPool.push([t.id, `/usr/bin/${s}-tool`]);
        namePool.push(t.id);
      }
      if (chance(0.15)) multilib(src, u);
      u.sonames.forEach((_, i) => soPool.push([u.id, i]));
      namePool.push(u.id);
    } else if (f === 'app') {
      const src = newSource(s);
      const u = add({ name: s, arch: 'x86_64', src, kind: 'main' });
      u.files = [{ path: `/usr/bin/${s}` }, { path: `/usr/share/man/man1/${s}.1.gz` }, { path: `/usr/share/${s}`, type: 'dir' }, { path: `/usr/share/${s}/data.bin` }];
      if (chance(0.3)) u.files.push({ path: `/etc/${s}.conf` });
      if (chance(0.12)) u.files.push({ path: `/usr/libexec/${s}/${s}-helper` });
      if (chance(0.1)) for (let i = ri(2) + 1; i > 0; i--) u.sonames.push([`${s}-private${i}`, 0]);
      let libs: Unit | undefined;
      if (chance(0.35)) {
        src.bump = chance(0.04);
        if (src.bump) src.change = 'patch';
        libs = add({ name: `${s}-libs`, arch: 'x86_64', src, kind: 'libs' });
        const nso = 1 + Math.floor(10 * rand() ** 2.5);
        for (let i = 0; i < nso; i++) libs.sonames.push([i === 0 ? s : `${s}${SYL[ri(SYL.length)]}`, ri(8)]);
        libs.files = libs.sonames.map(([b, m]) => ({ path: `/usr/lib64/lib${b}.so.${m}` }));
        nativeDeps(libs, depCount());
        extras(libs);
        u.requires.push({ t: 'name', u: libs.id, op: 'ISA' }, { t: 'soname', u: libs.id, i: 0 });
        if (chance(0.7)) develOf(src, libs, s);
        if (chance(0.1)) multilib(src, libs);
      }
      if (chance(0.15)) {
        const c = add({ name: `${s}-common`, arch: 'noarch', src, kind: 'common' });
        c.files = [{ path: `/usr/share/${s}/common.dat` }];
        u.requires.push({ t: 'name', u: c.id, op: 'EQ' });
      }
      nativeDeps(u, depCount());
      extras(u);
      if (chance(0.2)) docOf(src, u);
      if (libs) libs.sonames.forEach((_, i) => soPool.push([libs.id, i]));
      if (chance(0.002) && units.length > 2000) {
        // An alternative provider: nothing depends on it directly (only on the capability).
        const k = ri(ALT.length);
        u.virt.push([ALT[k], false]);
        u.alt = true;
        altCaps.push(`${k}:${u.id}`);
      } else {
        u.sonames.forEach((_, i) => soPool.push([u.id, i]));
        namePool.push(u.id);
        binPool.push([u.id, `/usr/bin/${s}`]);
        const helper = u.files.find((x) => x.path.startsWith('/usr/libexec/'));
        if (helper) libexecPool.push([u.id, helper.path]);
      }
    } else if (f === 'perl') {
      const mod = `${cap(s)}::${cap(stem())}`;
      const src = newSource(`perl-${mod.replace(/::/g, '-')}`);
      const xs = chance(0.15);
      const u = add({ name: src.name, arch: xs ? 'x86_64' : 'noarch', src, kind: 'main' });
      u.virt.push([`perl(${mod})`, true]);
      for (let i = ri(4); i > 0; i--) u.virt.push([`perl(${mod}::${cap(SYL[ri(SYL.length)])}${i})`, chance(0.5)]);
      u.files = [{ path: `/usr/share/perl5/vendor_perl/${mod.replace(/::/g, '/')}.pm` }, { path: `/usr/share/man/man3/${mod}.3pm.gz` }];
      u.requires.push({ t: 'virt', u: perlLibs.id, i: 0 });
      if (xs) {
        u.requires.push(libcRef, soOf(perlLibs, 'perl'));
      }
      const n = depCount();
      for (let k = 1; k < n; k++) {
        if (perlPool.length && chance(0.75)) {
          const [id, i] = skew(perlPool);
          u.requires.push({ t: 'virt', u: id, i, ge: chance(0.2) && units[id].virt[i][1] });
        } else u.requires.push({ t: 'virt', u: perlLibs.id, i: 1 + ri(4) });
      }
      extras(u);
      u.virt.forEach((_, i) => perlPool.push([u.id, i]));
      namePool.push(u.id);
    } else if (f === 'python') {
      const src = newSource(`python-${s}`);
      const native = chance(0.2);
      const u = add({ name: `python3-${s}`, arch: native ? 'x86_64' : 'noarch', src, kind: 'main' });
      u.virt.push([`python3dist(${s})`, true], [`python3.14dist(${s})`, true], [`python3.14-${s}`, true]);
      u.files = [{ path: `/usr/lib/python3.14/site-packages/${s}`, type: 'dir' }, { path: `/usr/lib/python3.14/site-packages/${s}/__init__.py` }, { path: `/usr/lib/python3.14/site-packages/${s}-1.0.dist-info/METADATA` }];
      if (chance(0.2)) {
        u.files.push({ path: `/usr/bin/${s}` });
        binPool.push([u.id, `/usr/bin/${s}`]);
        if (chance(0.3)) u.requires.push({ t: 'path', path: '/usr/bin/python3' });
      }
      u.requires.push({ t: 'virt', u: python3.id, i: 0 });
      if (native) u.requires.push(libcRef, soOf(named('python3-libs'), 'python3.14'));
      const n = depCount();
      for (let k = 1; k < n; k++) {
        if (pyPool.length && chance(0.8)) {
          const [id, i] = skew(pyPool);
          u.requires.push({ t: 'virt', u: id, i, ge: chance(0.3) });
        } else u.requires.push({ t: 'name', u: skew(namePool) });
      }
      extras(u);
      if (chance(0.1)) docOf(src, u);
      pyPool.push([u.id, 0]);
      namePool.push(u.id);
    } else if (f === 'golang') {
      const path = `github.com/${s}/${stem()}`;
      const src = newSource(`golang-${path.replace(/[./]/g, '-')}`);
      const u = add({ name: `${src.name}-devel`, arch: 'noarch', src, kind: 'devel' });
      u.virt.push([`golang(${path})`, true]);
      for (let i = ri(4); i > 0; i--) u.virt.push([`golang(${path}/${SYL[ri(SYL.length)]}${i})`, true]);
      u.files = [{ path: `/usr/share/gocode/src/${path}`, type: 'dir' }, { path: `/usr/share/gocode/src/${path}/${s}.go` }];
      u.requires.push({ t: 'name', u: named('go-filesystem').id });
      const n = depCount();
      for (let k = 1; k < n && goPool.length; k++) {
        const [id, i] = skew(goPool);
        u.requires.push({ t: 'virt', u: id, i });
      }
      extras(u);
      u.virt.forEach((_, i) => goPool.push([u.id, i]));
    } else if (f === 'rust') {
      const src = newSource(`rust-${s}`);
      const u = add({ name: `rust-${s}-devel`, arch: 'noarch', src, kind: 'devel' });
      u.virt.push([`crate(${s})`, true]);
      u.files = [{ path: `/usr/share/cargo/registry/${s}-1.0.0`, type: 'dir' }, { path: `/usr/share/cargo/registry/${s}-1.0.0/Cargo.toml` }];
      u.requires.push({ t: 'name', u: named('cargo').id });
      const n = depCount();
      for (let k = 1; k < n && cratePool.length; k++) {
        const [id, i] = skew(cratePool);
        u.requires.push({ t: 'virt', u: id, i, ge: true });
      }
      extras(u);
      cratePool.push([u.id, 0]);
      if (chance(0.3)) {
        const d = add({ name: `rust-${s}+default-devel`, arch: 'noarch', src, kind: 'devel' });
        d.virt.push([`crate(${s}/default)`, true]);
        d.requires.push({ t: 'name', u: named('cargo').id }, { t: 'virt', u: u.id, i: 0, ge: true });
        cratePool.push([d.id, 0]);
      }
    } else if (f === 'texlive') {
      const src = newSource(`texlive-${s}`);
      const u = add({ name: `texlive-${s}`, arch: 'noarch', src, kind: 'main' });
      u.virt.push([`tex(${s}.sty)`, false]);
      u.files = [{ path: `/usr/share/texlive/texmf-dist/tex/latex/${s}`, type: 'dir' }, { path: `/usr/share/texlive/texmf-dist/tex/latex/${s}/${s}.sty` }];
      u.requires.push({ t: 'name', u: named('texlive-base').id });
      for (let k = ri(5); k > 0 && texPool.length; k--) {
        const [id, i] = skew(texPool);
        u.requires.push({ t: 'virt', u: id, i });
      }
      extras(u);
      texPool.push([u.id, 0]);
      namePool.push(u.id);
    } else {
      const src = newSource(`${s}-fonts`);
      const u = add({ name: `${s}-fonts`, arch: 'noarch', src, kind: 'main' });
      u.virt.push([`font(${s})`, false]);
      u.files = [{ path: `/usr/share/fonts/${s}`, type: 'dir' }, { path: `/usr/share/fonts/${s}/${s}-Regular.otf` }];
      u.requires.push({ t: 'name', u: named('fontpackages-filesystem').id });
      extras(u);
    }
    for (let i = at; i < units.length; i++) for (const r of units[i].requires) markChanged(units[i], r);
  }

  // Alternative providers: everyone providing ALT[k] conflicts with the others; a few packages
  // require the capability (the solver must pick one).
  const altBy = new Map<number, number[]>();
  for (const a of altCaps) {
    const [k, id] = a.split(':').map(Number);
    altBy.set(k, [...(altBy.get(k) ?? []), id]);
  }
  const altVirtual = new Map<number, Ref>();
  for (const [k, ids] of altBy) {
    if (ids.length < 2) continue;
    for (const a of ids) for (const b of ids) if (a !== b) units[a].conflicts.push({ t: 'name', u: b });
    const first = units[ids[0]];
    altVirtual.set(k, { t: 'virt', u: first.id, i: first.virt.findIndex((v) => v[0] === ALT[k]) });
  }
  // Requirers of an alternative come after its providers; a virtual provide resolves to any of them.
  for (const u of units) {
    if (u.id < baseCount || u.kind !== 'main' || u.alt || !chance(0.01)) continue;
    const opts = [...altBy.entries()].filter(([, ids]) => ids.length > 1 && ids.every((id) => id < u.id));
    if (opts.length) u.requires.push(altVirtual.get(opts[ri(opts.length)][0])!);
  }

  // The server set: 40 base packages and 360 others, never an alternative provider or a renamed one.
  const pick = prng(seed + 1);
  const server = new Set<string>();
  for (const n of ['bash', 'coreutils', 'systemd', 'systemd-udev', 'util-linux', 'grep', 'sed', 'gawk', 'rpm', 'curl', 'shadow-utils', 'pam', 'dbus', 'python3', 'perl-interpreter', 'glibc', 'openssl-libs', 'ca-certificates', 'tzdata', 'crypto-policies', 'krb5-libs', 'libcap', 'sqlite-libs', 'expat', 'pkgconf-pkg-config', 'glibc-devel', 'cargo', 'libstdc++', 'readline', 'libseccomp', 'xz-libs', 'libzstd', 'lz4-libs', 'bzip2-libs', 'zlib-ng-compat', 'libacl', 'libattr', 'popt', 'keyutils-libs', 'basesystem']) {
    server.add(n);
  }
  const candidates = units.filter((u) => u.id >= baseCount && u.arch !== 'i686' && !u.alt && !u.oldName && u.kind !== 'doc');
  while (server.size < 400) server.add(candidates[Math.floor(pick() * candidates.length)].name);

  const stats = { units: units.length, base: baseCount };
  return { units, serverSet: [...server], stats };
}

/** Non-integer soname majors of the base set (libperl.so.5.40, libpython3.14.so.1.0). */
const specialMajor = new Map<string, string>();

function evrOf(src: Source, gen: Gen, extra = 0): { epoch: string; version: string; release: string } {
  let patch = src.patch;
  let rel = src.rel;
  if (gen === 'old' && src.change === 'patch') patch = src.patch > 1 ? src.patch - 1 : 0;
  if (gen === 'old' && src.change === 'release') rel = src.rel > 1 ? src.rel - 1 : 0;
  // Extra older builds (new repository only): same version, pre-releases of the current one.
  if (extra > 0) return { epoch: String(src.epoch), version: `${src.major + 1}.${src.minor}.${patch}`, release: `0.${5 - extra}.fc43` };
  const release = gen === 'old' && src.change === 'release' && rel === 0 ? '0.1.fc43' : `${rel}.fc43`;
  return { epoch: String(src.epoch), version: `${src.major + 1}.${src.minor}.${patch}`, release };
}

export class Renderer {
  readonly units: Unit[];
  readonly gen: Gen;
  constructor(units: Unit[], gen: Gen) {
    this.units = units;
    this.gen = gen;
  }

  name(u: Unit): string {
    return this.gen === 'old' && u.oldName ? u.oldName : u.name;
  }

  soname(u: Unit, i: number): string {
    const [base, major] = u.sonames[i];
    const special = specialMajor.get(`${u.id}:${i}`);
    const m = special ?? String(major + (this.gen === 'new' && u.src.bump ? 1 : 0));
    return u.arch === 'i686' ? `lib${base}.so.${m}` : `lib${base}.so.${m}()(64bit)`;
  }

  /** A Ref as rpm-md entries would carry it (rich deps as one name). */
  dep(r: Ref): RepoDep {
    const u = 'u' in r ? this.units[r.u] : undefined;
    switch (r.t) {
      case 'name': {
        const n = this.name(u!);
        if (!r.op) return { name: n };
        const e = evrOf(u!.src, this.gen);
        if (r.op === 'GE') return { name: n, flags: 'GE', epoch: e.epoch, ver: `${u!.src.major + 1}.${u!.src.minor}` };
        const isa = u!.arch === 'x86_64' && r.op === 'ISA' ? `${n}(x86-64)` : n;
        return { name: isa, flags: 'EQ', epoch: e.epoch, ver: e.version, rel: e.release };
      }
      case 'soname':
        return { name: this.soname(u!, r.i) };
      case 'virt': {
        const [v, versioned] = u!.virt[r.i];
        const eq = /^(.*) = (.*)$/.exec(v);
        if (eq) return { name: eq[1], flags: 'EQ', epoch: '0', ver: eq[2] };
        if (r.ge && versioned) return { name: v, flags: 'GE', epoch: '0', ver: `${u!.src.major + 1}.${u!.src.minor}` };
        return { name: v };
      }
      case 'path':
        return { name: r.path };
      case 'lt':
        // "below": an upper bound the package is under ("foo < 3" for foo 2.x); else one it never is.
        return { name: this.name(u!), flags: 'LT', epoch: '0', ver: r.below ? String(u!.src.major + 2) : '0.1' };
      default:
        return { name: `(${depText(this.dep(r.a))} ${r.t} ${depText(this.dep(r.b))})` };
    }
  }

  provides(u: Unit, evr: { epoch: string; version: string; release: string }): RepoDep[] {
    const n = this.name(u);
    const full = { flags: 'EQ' as RepoDepFlags, epoch: evr.epoch, ver: evr.version, rel: evr.release };
    const out: RepoDep[] = [];
    for (const [v, versioned] of u.virt) {
      const m = /^(.*) = (.*)$/.exec(v);
      if (m) out.push({ name: m[1], flags: 'EQ', epoch: '0', ver: m[2] });
      else out.push(versioned ? { name: v, flags: 'EQ', epoch: evr.epoch, ver: evr.version } : { name: v });
    }
    out.push({ name: n, ...full });
    if (u.arch === 'x86_64') out.push({ name: `${n}(x86-64)`, ...full });
    if (u.arch === 'i686') out.push({ name: `${n}(x86-32)`, ...full });
    u.sonames.forEach((_, i) => out.push({ name: this.soname(u, i) }));
    if (this.gen === 'new' && u.oldName) out.push({ name: u.oldName, ...full });
    return dedupe(out);
  }

  /** The package's records in this generation: one, or more for sources with extra older builds. */
  records(u: Unit): RepoPackage[] {
    const out: RepoPackage[] = [];
    const builds = this.gen === 'new' ? u.src.extra + 1 : 1;
    for (let b = 0; b < builds; b++) out.push(this.record(u, b));
    return out;
  }

  record(u: Unit, extra = 0): RepoPackage {
    const p = emptyRepoPackage();
    const evr = evrOf(u.src, this.gen, extra);
    p.name = this.name(u);
    p.arch = u.arch;
    p.epoch = evr.epoch;
    p.version = evr.version;
    p.release = evr.release;
    const nevra = `${p.name}-${p.version}-${p.release}.${p.arch}`;
    p.pkgid = createHash('sha256').update(`${p.epoch}:${nevra}`).digest('hex');
    p.checksumType = 'sha256';
    p.summary = `The ${p.name} package`;
    p.description = `${p.name} is part of the generated distribution used by the solver benchmark.`;
    p.packager = 'Fedora Project';
    p.url = `https://example.org/${u.src.name}`;
    p.fileTime = 1760000000 + u.id;
    p.buildTime = 1759000000 + u.id;
    p.packageSize = 8000 + ((u.id * 7919) % 500000);
    p.installedSize = p.packageSize * 3;
    p.archiveSize = p.packageSize * 3 + 512;
    p.location = `Packages/${p.name[0].toLowerCase()}/${nevra}.rpm`;
    p.license = 'MIT';
    p.vendor = 'Fedora Project';
    p.group = 'Unspecified';
    p.buildHost = 'buildvm-x86-01.fedoraproject.org';
    p.sourceRpm = `${u.src.name}-${p.version}-${p.release}.src.rpm`;
    p.headerStart = 4504;
    p.headerEnd = 4504 + 2000 + (u.id % 3000);
    p.deps.provides = this.provides(u, evr);
    const self = new Set(p.deps.provides.map((d) => d.name));
    const list = (refs: Ref[]): RepoDep[] => dedupe(refs.map((r) => this.dep(r))).filter((d) => !self.has(d.name));
    p.deps.requires = [...list(u.pre).map((d) => ({ ...d, pre: true })), ...list(u.requires)];
    p.deps.requires = dedupe(p.deps.requires);
    p.deps.recommends = list(u.recommends);
    p.deps.suggests = list(u.suggests);
    p.deps.supplements = list(u.supplements);
    p.deps.enhances = list(u.enhances);
    p.deps.conflicts = list(u.conflicts);
    p.deps.obsoletes = u.obsoletes.map((name) => ({ name, flags: 'LT' as RepoDepFlags, epoch: '0', ver: '0.1' }));
    if (this.gen === 'new' && u.oldName) {
      p.deps.obsoletes.push({ name: u.oldName, flags: 'LT', epoch: evr.epoch, ver: evr.version, rel: evr.release });
    }
    const docdir = u.kind === 'doc' ? [] : [{ path: `/usr/share/doc/${p.name}/README` }];
    p.files = [...u.files, ...docdir];
    p.filesComplete = true;
    return p;
  }
}

export function depText(d: RepoDep): string {
  if (!d.flags) return d.name;
  const op = { EQ: '=', LT: '<', GT: '>', LE: '<=', GE: '>=' }[d.flags];
  const e = d.epoch && d.epoch !== '0' ? `${d.epoch}:` : '';
  return `${d.name} ${op} ${e}${d.ver}${d.rel ? `-${d.rel}` : ''}`;
}

function dedupe(list: RepoDep[]): RepoDep[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const k = depText(d);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
