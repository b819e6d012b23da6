// The "testtags" repo format (libsolv ext/repo_testcase.c testcase_add_testtags), a stripped-down
// susetags: `=Pkg: name version release arch` starts a package; `=Tag: value` lines add to it;
// `+Tag:` … `-Tag:` wraps a multi-line list. Lines that are no tag are ignored, as libsolv does.
import { DepSyntaxError, formatDep, parseDepEntry, REL, relOpName, type TcDep } from './dep.ts';
import { TestcaseError, type NumberedLine } from './errors.ts';
import { fixConflict, fixSupplement, supplementFromProvide } from './suse.ts';
import type { TcDepEntry, TcPackage, TcWarning } from './types.ts';

type DepListKey =
  | 'provides'
  | 'requires'
  | 'prerequires'
  | 'conflicts'
  | 'obsoletes'
  | 'recommends'
  | 'suggests'
  | 'supplements'
  | 'enhances'
  | 'prereqIgnoreInst'
  | 'constrains'
  | 'orderWithRequires';

const DEP_TAGS: Readonly<Record<string, DepListKey>> = {
  Prv: 'provides',
  Req: 'requires',
  Prq: 'prerequires',
  Con: 'conflicts',
  Obs: 'obsoletes',
  Rec: 'recommends',
  Sug: 'suggests',
  Sup: 'supplements',
  Enh: 'enhances',
  Ipr: 'prereqIgnoreInst',
  Cns: 'constrains',
  Owr: 'orderWithRequires',
};

function newPackage(name: string, version: string, release: string, arch: string, line: number): TcPackage {
  const hasRelease = release !== '-';
  const evr = hasRelease ? `${version}-${release}` : version;
  const epoch = /^(\d+):/.exec(version);
  const pkg: TcPackage = {
    name,
    evr,
    version: epoch ? version.slice(epoch[0].length) : version,
    provides: [],
    requires: [],
    prerequires: [],
    conflicts: [],
    obsoletes: [],
    recommends: [],
    suggests: [],
    supplements: [],
    enhances: [],
    prereqIgnoreInst: [],
    constrains: [],
    orderWithRequires: [],
    files: [],
    flavors: [],
    trackFeatures: [],
    line,
    selfProvide: false,
  };
  if (epoch) pkg.epoch = epoch[1];
  if (hasRelease) pkg.release = release;
  if (arch !== '-') pkg.arch = arch;
  return pkg;
}

/** repo_addid_dep: adding a dependency that is already in the list changes nothing. */
function addDep(list: TcDepEntry[], dep: TcDep, text?: string): void {
  const t = text ?? formatDep(dep);
  const key = formatDep(dep);
  if (!list.some((e) => formatDep(e.dep) === key)) list.push({ text: t, dep });
}

/**
 * Read testtags lines into packages. `file` names the source for errors (`file:line: …`);
 * quietly-ignored oddities (a `=Pkg:` without exactly 4 fields) go to `warnings`.
 */
export function parseTesttags(lines: readonly NumberedLine[], file: string, warnings: TcWarning[]): TcPackage[] {
  const packages: TcPackage[] = [];
  let tagsVersion = 0;
  let selfProvides = true;
  let cur: TcPackage | undefined;
  let pendingFiles: string[] = []; // version 2: file names at the end of the provides
  let block: { tag: string; line: number } | undefined;

  const finish = (): void => {
    if (!cur) return;
    if (tagsVersion === 2) {
      cur.files.push(...pendingFiles);
      for (const e of cur.provides) {
        const sup = supplementFromProvide(e.dep);
        if (sup) addDep(cur.supplements, sup);
      }
      cur.supplements = cur.supplements.map((e) => rewritten(e, fixSupplement(e.dep)));
      cur.conflicts = cur.conflicts.map((e) => rewritten(e, fixConflict(e.dep)));
    }
    pendingFiles = [];
    if (selfProvides && cur.arch !== 'src' && cur.arch !== 'nosrc') {
      const dep: TcDep = { kind: 'rel', flags: REL.EQ, op: relOpName(REL.EQ), name: { kind: 'name', name: cur.name }, evr: { kind: 'name', name: cur.evr } };
      addDep(cur.provides, dep);
      cur.selfProvide = true;
    }
  };

  for (const { text: raw, line } of lines) {
    let text = raw;
    if (block) {
      if (text.startsWith(`-${block.tag}:`)) {
        block = undefined;
        continue;
      }
      text = `=${block.tag}: ${text}`;
    } else if (text[0] === '+' && text.length > 1 && text[1] !== ':') {
      const colon = text.indexOf(':');
      if (colon >= 0) block = { tag: text.slice(1, colon), line };
      continue;
    }
    if (text.length < 5 || text[0] !== '=' || text[4] !== ':') continue;
    const tag = text.slice(1, 4);
    const value = text.slice(6);
    if (tag === 'Ver') {
      tagsVersion = parseInt(value, 10) || 0;
      selfProvides = tagsVersion < 3 || value.includes('addselfprovides');
      continue;
    }
    if (tag === 'Pkg') {
      finish();
      const fields = text.slice(5).split(' ').filter((f) => f !== '');
      if (fields.length !== 4) {
        warnings.push({ file, line, message: `=Pkg: needs 4 fields (name version release arch), got ${fields.length}; line ignored` });
        continue;
      }
      const [name, version, release, arch] = fields as [string, string, string, string];
      cur = newPackage(name, version, release, arch, line);
      packages.push(cur);
      continue;
    }
    if (!cur) continue;
    const depKey = DEP_TAGS[tag];
    if (depKey !== undefined) {
      if (value.trim() === '') {
        warnings.push({ file, line, message: `empty =${tag}: ignored` });
        continue;
      }
      if (tag === 'Prv' && tagsVersion === 2) {
        if (value.startsWith('/')) {
          pendingFiles.push(value);
          continue;
        }
        for (const f of pendingFiles) addDep(cur.provides, { kind: 'name', name: f }, f);
        pendingFiles = [];
      }
      let dep: TcDep;
      try {
        dep = parseDepEntry(value);
      } catch (e) {
        if (e instanceof DepSyntaxError) throw new TestcaseError(file, line, `bad dependency in =${tag}: ${JSON.stringify(value)}: ${e.message}`);
        throw e;
      }
      addDep(cur[depKey], dep, value);
      continue;
    }
    switch (tag) {
      case 'Sum':
        cur.summary = value;
        break;
      case 'Vnd':
        cur.vendor = value;
        break;
      case 'Tim':
      case 'Itm': {
        const n = parseInt(value, 10);
        if (n > 0) {
          if (tag === 'Tim') cur.buildtime = n;
          else cur.installtime = n;
        }
        break;
      }
      case 'Fls':
        if (value.includes('/')) cur.files.push(value);
        break;
      case 'Flv':
        cur.flavors.push(value);
        break;
      case 'Bvr':
        cur.buildversion = value;
        break;
      case 'Trf':
        cur.trackFeatures.push(value);
        break;
      default:
        break; // libsolv ignores unknown tags
    }
  }
  if (block) throw new TestcaseError(file, block.line, `unterminated +${block.tag}: block (no -${block.tag}:)`);
  finish();
  return packages;
}

function rewritten(entry: TcDepEntry, dep: TcDep): TcDepEntry {
  const text = formatDep(dep);
  return text === formatDep(entry.dep) ? entry : { text, dep };
}
