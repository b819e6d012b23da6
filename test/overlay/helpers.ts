// Shared fixtures for the overlay conformance tests: a small spec with sub-packages and sections,
// scratch component directories, and helpers to run applyOverlays and read results back.
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after } from 'node:test';
import { applyOverlays, OverlayError } from '../../src/overlay/index.ts';
import type { ApplyOverlaysOptions, ApplyOverlaysResult, ComponentOverlayInput, OverlayRecord } from '../../src/overlay/index.ts';
import { workDir } from '../support/fixtures.ts';

export const HEADER = `# This spec file has been modified by azldev to include build configuration overlays.
# Do not edit manually; changes may be overwritten.

`;

export const BASE_SPEC = `Name:           demo
Version:        1.0
Release:        1%{?dist}
Summary:        Demo package
License:        MIT
Source0:        demo-1.0.tar.gz
Source1:        demo.conf
Patch0:         fix-build.patch
BuildRequires:  gcc
BuildRequires:  foo-devel

%description
Demo.

%package devel
Summary:        Development files
Requires:       %{name} = %{version}-%{release}

%description devel
Devel files.

%prep
%autosetup -p1

%build
%configure
%make_build

%install
%make_install

%check
make check

%files
%license LICENSE
/usr/bin/demo

%files devel
/usr/include/demo.h

%changelog
* Mon Jan 01 2024 Someone <someone@example.com> - 1.0-1
- Initial
`;

const scratchDirs = new Set<string>();

/** A per-process scratch directory under test/.work, removed when the test file ends. */
export function scratch(name: string): string {
  const dir = workDir(name);
  scratchDirs.add(dir);
  return dir;
}

after(() => {
  for (const d of scratchDirs) rmSync(d, { recursive: true, force: true });
});

let counter = 0;

/** A fresh component directory `<scratch>/<n>/demo` holding `files` (path → content). */
export function makeSources(files: Record<string, string | Buffer> = {}, name = 'demo'): string {
  const root = join(scratch('overlay'), String(counter++));
  rmSync(root, { recursive: true, force: true });
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const all = { [`${name}.spec`]: BASE_SPEC, 'demo.conf': 'vendor=fedora\nname=Fedora\n', 'fix-build.patch': 'patch\n', ...files };
  for (const [p, content] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), content);
  }
  return dir;
}

/** Files under `dir` (relative path → content; symlinks as "-> target"), `.git` excluded. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const p = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(dir, p));
      if (st.isDirectory()) {
        if (name !== '.git') visit(p);
      } else if (st.isSymbolicLink()) out[p] = `-> ${readlinkSync(join(dir, p))}`;
      else out[p] = readFileSync(join(dir, p), 'latin1');
    }
  };
  visit('');
  return out;
}

export function component(overlays: OverlayRecord[], extra: Partial<ComponentOverlayInput> = {}): ComponentOverlayInput {
  return { name: 'demo', overlays, ...extra };
}

export async function apply(dir: string, overlays: OverlayRecord[], extra: Partial<ComponentOverlayInput> = {}, opts: ApplyOverlaysOptions = {}): Promise<ApplyOverlaysResult> {
  return applyOverlays(component(overlays, extra), dir, opts);
}

export function spec(dir: string, name = 'demo'): string {
  return readFileSync(join(dir, `${name}.spec`), 'utf8');
}

/** Applies and returns the spec without the azldev header (asserting the header is there). */
export async function specAfter(overlays: OverlayRecord[], files: Record<string, string> = {}): Promise<string> {
  const dir = makeSources(files);
  await apply(dir, overlays);
  const text = spec(dir);
  assert.ok(text.startsWith(HEADER), 'spec starts with the azldev header');
  return text.slice(HEADER.length);
}

/**
 * Asserts that applying `overlays` fails with an OverlayError whose message matches `re`, and that
 * the sources directory is left exactly as it was.
 */
export async function assertFails(overlays: OverlayRecord[], re: RegExp, files: Record<string, string | Buffer> = {}, extra: Partial<ComponentOverlayInput> = {}, opts: ApplyOverlaysOptions = {}): Promise<OverlayError> {
  return assertFailsIn(makeSources(files), overlays, re, extra, opts);
}

/** assertFails on an existing sources directory. */
export async function assertFailsIn(dir: string, overlays: OverlayRecord[], re: RegExp, extra: Partial<ComponentOverlayInput> = {}, opts: ApplyOverlaysOptions = {}): Promise<OverlayError> {
  const before = readTree(dir);
  let caught: unknown;
  try {
    await apply(dir, overlays, extra, opts);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof OverlayError, `expected an OverlayError, got ${String(caught)}`);
  assert.match(caught.message, re);
  assert.ok(!caught.message.includes('\n'), 'error is one line');
  assert.deepEqual(readTree(dir), before, 'a failed application leaves the sources untouched');
  assert.deepEqual(readdirSync(dirname(dir)), ['demo'], 'no staging directories are left behind');
  return caught;
}
