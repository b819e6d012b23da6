// The solver: set up rules for a job list (solver_solve), then search (solver_run_sat): assertions,
// jobs, installed packages (keep or update), open dependencies, weak dependencies, orphans, and a
// final minimisation over the open branches. Results: the decisions (→ transaction) and problems.
import {
  JOB_ALLOWUNINSTALL,
  JOB_BLACKLIST,
  JOB_CLEANDEPS,
  JOB_DISFAVOR,
  JOB_DISTUPGRADE,
  JOB_DROP_ORPHANED,
  JOB_ERASE,
  JOB_FAVOR,
  JOB_FORCEBEST,
  JOB_INSTALL,
  JOB_LOCK,
  JOB_MASK,
  JOB_MULTIVERSION,
  JOB_ORUPDATE,
  JOB_TARGETED,
  JOB_UPDATE,
  JOB_VERIFY,
  JOB_WEAK,
  JOB_EXCLUDEFROMWEAK,
  POLICY_MODE_CHOOSE,
  POLICY_MODE_CHOOSE_NOREORDER,
  POLICY_MODE_RECOMMEND,
  POLICY_MODE_SUPPLEMENT,
  REASON_CLEANDEPS_ERASE,
  REASON_KEEP_INSTALLED,
  REASON_RESOLVE,
  REASON_RESOLVE_JOB,
  REASON_RESOLVE_ORPHAN,
  REASON_UPDATE_INSTALLED,
  REASON_WEAKDEP,
  SEL_ALL,
  SEL_NAME,
  SEL_PROVIDES,
  SEL_REPO,
  SEL_SOLVABLE,
  SEL_ONE_OF,
  SELECT_MASK,
} from './constants.ts';
import { checkCleandepsMistakes } from './cleandeps.ts';
import { Engine } from './engine.ts';
import { createObsoleteIndex, findUpdatePackages, policyFilterUnwanted, updateRecommendsMap } from './policy.ts';
import { compareRules, disableRule } from './rule-store.ts';
import {
  addBestRules,
  addRecommendsRules,
  addBlackRules,
  addStrictRepoPrioRules,
  addChoiceRules,
  checkUnneededChoiceRules,
  disableChoiceRules,
  addCleandepsUpdatepkg,
  addDupRules,
  addFeatureRule,
  addInfarchRules,
  addPkgRulesForSolvable,
  addPkgRulesForUpdaters,
  addPkgRulesForWeak,
  addUpdateRule,
  addYumobsRules,
  createDupMaps,
  disablePolicyRules,
  jobSelect,
  reenablePolicyRules,
  repoSolvables,
} from './rules.ts';
import type { SolverInput } from './state.ts';
import { SYSTEM_SOLVABLE } from '../pool/pool.ts';

export class Solver extends Engine {
  constructor(input: SolverInput) {
    super(input);
    this.hooks = {
      disablePolicyRules: () => disablePolicyRules(this),
      reenablePolicyRules: (jobidx: number) => reenablePolicyRules(this, jobidx),
    };
  }

  #inst(p: number): number {
    return p - (this.installed as { start: number }).start;
  }

  override disableChoiceRules(rid: number): void {
    disableChoiceRules(this, rid);
  }

  #addJobRule(p: number, p2: number, d: number, jobidx: number, weak: boolean): void {
    this.addRule(p, p2, d);
    this.ruletojob.push(jobidx);
    if (weak) this.weakruleq.push(this.nrules() - 1);
  }

  #addUpdateTarget(p: number, how: number): void {
    const pool = this.pool;
    const inst = this.installed;
    if (!inst) return;
    const pairs = (this.#targetPairs ??= []);
    if (this.isInstalled(p)) {
      pairs.push([p, p]);
      for (const pi of this.providersOfName(pool.solvName[p])) {
        if (!this.isInstalled(pi) || pool.solvName[pi] !== pool.solvName[p] || pi === p) continue;
        if (this.pf.implicitobsoleteusescolors && !this.colormatch(p, pi)) continue;
        pairs.push([pi, p]);
      }
      return;
    }
    const mark = (pi: number): void => {
      if (how & JOB_FORCEBEST) {
        this.bestupdatemap ??= new Uint8Array(inst.end - inst.start);
        this.bestupdatemap[pi - inst.start] = 1;
      }
      if (how & JOB_CLEANDEPS) addCleandepsUpdatepkg(this, pi);
      pairs.push([pi, p]);
    };
    let identicalp = 0;
    const startcnt = pairs.length;
    for (const pi of this.providersOfName(pool.solvName[p])) {
      if (!this.isInstalled(pi) || pool.solvName[pi] !== pool.solvName[p]) continue;
      if (this.pf.implicitobsoleteusescolors && !this.colormatch(p, pi)) continue;
      mark(pi);
      if (pool.solvEvr[p] === pool.solvEvr[pi] && this.identical(p, pi)) identicalp = pi;
    }
    for (const obs of pool.deps(p, 'obsoletes')) {
      for (const pi of this.providers(obs)) {
        if (!this.isInstalled(pi) || pool.solvName[pi] === pool.solvName[p]) continue;
        if (!this.pf.obsoleteusesprovides && !this.matchNevr(pi, obs)) continue;
        if (this.pf.obsoleteusescolors && !this.colormatch(p, pi)) continue;
        mark(pi);
      }
    }
    if (identicalp) {
      const endcnt = pairs.length;
      for (let i = startcnt; i < endcnt; i++) pairs.push([pairs[i][0], identicalp]);
    }
  }

  #targetPairs: [number, number][] | undefined;

  /** transform_update_targets: installed → sorted unique targets; those installed get updated. */
  #transformUpdateTargets(): void {
    const pairs = this.#targetPairs;
    const inst = this.installed;
    if (!pairs || !inst) return;
    this.#targetPairs = undefined;
    if (!pairs.length) return;
    pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const targets = new Map<number, number[]>();
    for (const [p, q] of pairs) {
      let l = targets.get(p);
      if (!l) {
        targets.set(p, (l = []));
        this.updatemap ??= new Uint8Array(inst.end - inst.start);
        this.updatemap[p - inst.start] = 1;
      }
      if (l[l.length - 1] !== q) l.push(q);
    }
    this.updateTargets = targets;
  }

  /** solver_solve: build all rules for `job` (pairs how, what) and run the search. Returns #problems. */
  /** Solvables that got package rules in the last solve (libsolv's addedmap). */
  addedmap: Uint8Array | undefined;

  /**
   * `reuse`: the addedmap of an earlier solve over the same pool (testsolv's `nextjob reusesolver`):
   * its package rules are kept, as libsolv keeps them when a solver is reused.
   */
  solve(job: number[], reuse?: Uint8Array): number {
    const pool = this.pool;
    const inst = this.installed;
    this.job = [...job];
    createObsoleteIndex(this);
    // multiversion map
    for (let i = 0; i < job.length; i += 2) {
      const how = job[i];
      if ((how & JOB_MASK) !== JOB_MULTIVERSION) continue;
      this.multiversion ??= new Uint8Array(this.nsolvables);
      const select = how & SELECT_MASK;
      const sel = select === SEL_ALL ? range(2, this.nsolvables) : select === SEL_REPO ? repoSolvables(this, job[i + 1]) : jobSelect(this, select, job[i + 1]);
      for (const p of sel) this.multiversion[p] = 1;
    }
    const addedmap = new Uint8Array(this.nsolvables);
    addedmap[SYSTEM_SOLVABLE] = 1;
    const installcandidatemap = new Uint8Array(this.nsolvables);
    this.pkgrulesEnd = 0;
    this.lastpkgrule = 0;
    if (reuse) for (let p = 2; p < this.nsolvables; p++) if (reuse[p] && !addedmap[p]) addPkgRulesForSolvable(this, p, addedmap);
    if (inst) {
      for (let i = 0; i < job.length; i += 2) {
        const how = job[i];
        const what = job[i + 1];
        const select = how & SELECT_MASK;
        switch (how & JOB_MASK) {
          case JOB_VERIFY:
            if (select === SEL_ALL || (select === SEL_REPO && pool.repos[what - 1]?.installed)) this.fixmapAll = true;
            for (const p of jobSelect(this, select, what)) {
              if (!this.isInstalled(p)) continue;
              this.fixmap ??= new Uint8Array(inst.end - inst.start);
              this.fixmap[this.#inst(p)] = 1;
            }
            break;
          case JOB_UPDATE:
            if (select === SEL_ALL) {
              this.updatemapAll = true;
              if (how & JOB_FORCEBEST) this.bestupdatemapAll = true;
              if (how & JOB_CLEANDEPS) for (let p = inst.start; p < inst.end; p++) addCleandepsUpdatepkg(this, p);
            } else if (select === SEL_REPO) {
              const repo = pool.repos[what - 1];
              if (!repo) break;
              if (repo.installed && !(how & JOB_TARGETED)) {
                this.updatemapAll = true;
                if (how & JOB_FORCEBEST) this.bestupdatemapAll = true;
                if (how & JOB_CLEANDEPS) for (let p = inst.start; p < inst.end; p++) addCleandepsUpdatepkg(this, p);
                break;
              }
              if (this.flags.noautotarget && !(how & JOB_TARGETED)) break;
              for (let p = repo.start; p < repo.end; p++) this.#addUpdateTarget(p, how);
            } else {
              const sel = jobSelect(this, select, what);
              if (!(how & JOB_TARGETED)) {
                let targeted = true;
                for (const p of sel) {
                  if (!this.isInstalled(p)) continue;
                  this.updatemap ??= new Uint8Array(inst.end - inst.start);
                  this.updatemap[this.#inst(p)] = 1;
                  if (how & JOB_FORCEBEST) {
                    this.bestupdatemap ??= new Uint8Array(inst.end - inst.start);
                    this.bestupdatemap[this.#inst(p)] = 1;
                  }
                  if (how & JOB_CLEANDEPS) addCleandepsUpdatepkg(this, p);
                  targeted = false;
                }
                if (!targeted || this.flags.noautotarget) break;
              }
              for (const p of sel) this.#addUpdateTarget(p, how);
            }
            break;
          case JOB_DROP_ORPHANED:
            if (select === SEL_ALL || (select === SEL_REPO && pool.repos[what - 1]?.installed)) this.droporphanedmapAll = true;
            for (const p of jobSelect(this, select, what)) {
              if (!this.isInstalled(p)) continue;
              this.droporphanedmap ??= new Uint8Array(inst.end - inst.start);
              this.droporphanedmap[this.#inst(p)] = 1;
            }
            break;
          case JOB_ALLOWUNINSTALL:
            if (select === SEL_ALL || (select === SEL_REPO && pool.repos[what - 1]?.installed)) this.allowuninstallAll = true;
            for (const p of jobSelect(this, select, what)) {
              if (!this.isInstalled(p)) continue;
              this.allowuninstallmap ??= new Uint8Array(inst.end - inst.start);
              this.allowuninstallmap[this.#inst(p)] = 1;
            }
            break;
        }
      }
      this.#transformUpdateTargets();
      for (let p = inst.start; p < inst.end; p++) addPkgRulesForSolvable(this, p, addedmap);
      for (let p = inst.start; p < inst.end; p++) addPkgRulesForUpdaters(this, p, addedmap, true);
    }
    let needduprules = false;
    for (let i = 0; i < job.length; i += 2) {
      const how = job[i];
      const select = how & SELECT_MASK;
      switch (how & JOB_MASK) {
        case JOB_INSTALL:
          for (const p of jobSelect(this, select, job[i + 1])) {
            installcandidatemap[p] = 1;
            addPkgRulesForSolvable(this, p, addedmap);
          }
          break;
        case JOB_DISTUPGRADE:
          needduprules = true;
          if (select === SEL_ALL) this.processOrphans = true;
          break;
      }
    }
    addPkgRulesForWeak(this, addedmap);
    this.addedmap = addedmap;
    if (this.nrules() > 1) this.#unifyRules();
    this.pkgrulesEnd = this.nrules();
    if (needduprules) createDupMaps(this);

    // feature rules, then update rules (one per installed solvable, dummies keep the indexing)
    this.featurerules = this.nrules();
    if (inst) for (let p = inst.start; p < inst.end; p++) addFeatureRule(this, p);
    this.featurerulesEnd = this.nrules();
    this.updaterules = this.nrules();
    if (inst) {
      const n = inst.end - inst.start;
      for (let p = inst.start; p < inst.end; p++) {
        addUpdateRule(this, p);
        const r = this.rules[this.nrules() - 1];
        const sr = this.rules[this.nrules() - 1 - n];
        if (!r.p) {
          if (sr.p) zeroRule(sr);
          continue;
        }
        if (!this.processOrphans && sr.p === p && !sr.d && !sr.w2) this.orphaned.push(p);
        if (!compareRules(r, sr, this.store.data)) zeroRule(sr);
        else if (sr.p) disableRule(sr);
      }
    }
    this.updaterulesEnd = this.nrules();

    // job rules
    this.jobrules = this.nrules();
    for (let i = 0; i < job.length; i += 2) {
      const how = job[i];
      const what = job[i + 1];
      const weak = (how & JOB_WEAK) !== 0;
      const select = how & SELECT_MASK;
      if ((how & JOB_CLEANDEPS) !== 0 && !this.cleandepsmap && inst && ((how & JOB_MASK) === JOB_INSTALL || (how & JOB_MASK) === JOB_ERASE)) {
        this.cleandepsmap = new Uint8Array(inst.end - inst.start);
      }
      switch (how & JOB_MASK) {
        case JOB_INSTALL: {
          if ((select === SEL_PROVIDES || select === SEL_NAME) && this.isComplexDep(what)) {
            for (const clause of pool.richCnf(what)) {
              const lits = Array.from(clause);
              if (!lits.length) this.#addJobRule(-SYSTEM_SOLVABLE, 0, 0, i, weak);
              else if (lits.length <= 2) this.#addJobRule(lits[0], lits[1] ?? 0, 0, i, weak);
              else this.#addJobRule(lits[0], 0, this.store.add(lits.slice(1)), i, weak);
            }
            break;
          }
          const q = select === SEL_SOLVABLE ? [what] : jobSelect(this, select, what);
          if (!q.length) {
            if (select === SEL_ONE_OF) break;
            q.push(-SYSTEM_SOLVABLE);
          }
          const p = q.shift() as number;
          const d = q.length ? this.store.add(q) : 0;
          this.#addJobRule(p, 0, d, i, weak);
          break;
        }
        case JOB_ERASE: {
          let name = select === SEL_SOLVABLE || (select === SEL_NAME && pool.table.flags[what] !== 0) ? 0 : -1;
          let nameS = 0;
          if (select === SEL_ALL) for (let p = 2; p < this.nsolvables; p++) this.#addJobRule(-p, 0, 0, i, weak);
          else if (select === SEL_REPO) for (const p of repoSolvables(this, what)) this.#addJobRule(-p, 0, 0, i, weak);
          const oldn = this.nrules();
          for (const p of jobSelect(this, select, what)) {
            if (this.isInstalled(p)) {
              name = !name ? pool.solvName[p] : -1;
              nameS = p;
            }
            this.#addJobRule(-p, 0, 0, i, weak);
          }
          if (name > 0) {
            for (const p of this.providersOfName(name)) {
              if (pool.solvName[p] !== name || this.isInstalled(p) || installcandidatemap[p]) continue;
              if (this.pf.implicitobsoleteusescolors && !this.colormatch(nameS, p)) continue;
              let dup = false;
              for (let j = oldn; j < this.nrules(); j++) if (this.rules[j].p === -p) dup = true;
              if (!dup) this.#addJobRule(-p, 0, 0, i, weak);
            }
          }
          break;
        }
        case JOB_LOCK: {
          const lock = (p: number): void => this.#addJobRule(this.isInstalled(p) ? p : -p, 0, 0, i, weak);
          if (select === SEL_ALL) for (let p = 2; p < this.nsolvables; p++) lock(p);
          else if (select === SEL_REPO) for (const p of repoSolvables(this, what)) lock(p);
          for (const p of jobSelect(this, select, what)) lock(p);
          break;
        }
      }
    }
    this.jobrulesEnd = this.nrules();

    // favor map
    if (job.some((h, i) => i % 2 === 0 && ((h & JOB_MASK) === JOB_FAVOR || (h & JOB_MASK) === JOB_DISFAVOR))) {
      this.favormap = new Int32Array(this.nsolvables);
      for (let i = 0; i < job.length; i += 2) {
        const how = job[i];
        const kind = how & JOB_MASK;
        if (kind !== JOB_FAVOR && kind !== JOB_DISFAVOR) continue;
        const idx = kind === JOB_FAVOR ? i + 1 : -(i + 1);
        const select = how & SELECT_MASK;
        const sel = select === SEL_REPO ? repoSolvables(this, job[i + 1]) : jobSelect(this, select, job[i + 1]);
        for (const p of sel) {
          this.favormap[p] = idx;
          if (idx < 0) this.havedisfavored = true;
        }
      }
    }
    for (let i = 0; i < job.length; i += 2) {
      if ((job[i] & JOB_MASK) !== JOB_EXCLUDEFROMWEAK) continue;
      this.excludefromweakmap ??= new Uint8Array(this.nsolvables);
      const select = job[i] & SELECT_MASK;
      const sel = select === SEL_REPO ? repoSolvables(this, job[i + 1]) : jobSelect(this, select, job[i + 1]);
      for (const p of sel) this.excludefromweakmap[p] = 1;
    }

    if (!this.flags.noinfarchcheck) addInfarchRules(this, addedmap);
    else this.infarchrules = this.infarchrulesEnd = this.nrules();
    if (this.dupinvolvedmapAll || this.dupinvolvedmap) addDupRules(this, addedmap);
    else this.duprules = this.duprulesEnd = this.nrules();
    const hasbestinstalljob = job.some((h, i) => i % 2 === 0 && (h & JOB_MASK) === JOB_INSTALL && (h & JOB_FORCEBEST) !== 0);
    const haslockjob = this.ruletojob.some((j) => (job[j] & JOB_MASK) === JOB_LOCK);
    if (this.bestupdatemapAll || this.bestupdatemap || hasbestinstalljob) addBestRules(this, hasbestinstalljob, haslockjob);
    else this.bestrules = this.bestrulesEnd = this.bestrulesUp = this.nrules();
    if (this.flags.yumobsoletes) addYumobsRules(this);
    else this.yumobsrules = this.yumobsrulesEnd = this.nrules();
    if (job.some((h, i) => i % 2 === 0 && (h & JOB_MASK) === JOB_BLACKLIST)) addBlackRules(this);
    else this.blackrules = this.blackrulesEnd = this.nrules();
    if (this.havedisfavored && this.flags.strongrecommends && this.recommendsRules.size) addRecommendsRules(this);
    else this.recommendsrules = this.recommendsrulesEnd = this.nrules();
    if (this.flags.strictrepopriority) addStrictRepoPrioRules(this, addedmap);
    else this.strictrepopriorules = this.strictrepopriorulesEnd = this.nrules();
    addChoiceRules(this);

    if (this.weakruleq.length || this.recommendsRules.size) {
      this.weakrulemap = new Uint8Array(this.nrules());
      for (const r of this.weakruleq) this.weakrulemap[r] = 1;
      for (let i = 1; i < this.pkgrulesEnd; i++) if (this.recommendsRules.has(this.rules[i])) this.weakrulemap[i] = 1;
    }
    if (this.cleandepsUpdatepkgs && !this.cleandepsmap && inst) this.cleandepsmap = new Uint8Array(inst.end - inst.start);
    this.learntrules = this.nrules();
    this.makeWatches();
    for (let i = 1; i < this.nrules(); i++) {
      const r = this.rules[i];
      if (r.p && !r.w2 && (r.d === 0 || r.d === -1)) this.ruleassertions.push(i);
    }
    disablePolicyRules(this);
    this.runSat(true, !this.flags.ignorerecommended);
    return this.problemCount();
  }

  problemCount(): number {
    return this.problemRanges().length;
  }

  /** [start, end) index pairs of each problem in `problems` (start holds the proof index). */
  problemRanges(): [number, number][] {
    const out: [number, number][] = [];
    let i = 0;
    while (i < this.problems.length) {
      const start = i;
      i++;
      while (i < this.problems.length && this.problems[i] !== 0) i++;
      out.push([start, i]);
      i++;
    }
    return out;
  }

  #unifyRules(): void {
    const first = this.rules[0];
    const rest = this.rules.slice(1);
    const data = this.store.data;
    rest.sort((a, b) => compareRules(a, b, data));
    const kept = [first];
    let last: (typeof rest)[number] | undefined;
    for (const r of rest) {
      if (last && !compareRules(r, last, data)) {
        if (!this.recommendsRules.has(r)) this.recommendsRules.delete(last);
        // Keep the dropped duplicate's infos: append its chain after the kept rule's.
        if (r.info >= 0) {
          let tail = r.info;
          while (this.infoData[tail + 4] >= 0) tail = this.infoData[tail + 4];
          this.infoData[tail + 4] = last.info;
          last.info = r.info;
        }
        continue;
      }
      kept.push(r);
      last = r;
    }
    this.rules = kept;
  }

  // ---- the search ---------------------------------------------------------------------------

  runSat(disablerules: boolean, doweak: boolean): void {
    let level = 0;
    let systemlevel = 1;
    const dq: number[] = [];
    const dqs: number[] = [];
    this.installedpos = 0;
    this.doExtraReordering = false;
    const hasInstalled = !!this.installed && this.installed.end > this.installed.start;
    for (;;) {
      if (level <= 0) {
        if (level < 0) break;
        level = this.makeRuleDecisions(disablerules);
        if (level < 0) break;
        const r = this.propagate(level);
        if (r) {
          level = this.analyzeUnsolvable(r, disablerules);
          continue;
        }
        systemlevel = level + 1;
      }
      if (level < systemlevel && !this.flags.focusinstalled) {
        if (hasInstalled) this.doExtraReordering = true;
        const olevel = level;
        level = this.#resolveJobRules(level, disablerules, dq);
        this.doExtraReordering = false;
        if (level < olevel) continue;
        systemlevel = level + 1;
      }
      if (level < systemlevel && (this.flags.focusnew || this.flags.focusbest) && !this.flags.focusinstalled && hasInstalled) {
        this.doExtraReordering = true;
        const olevel = level;
        level = this.#resolveDependencies(level, disablerules, dq);
        this.doExtraReordering = false;
        if (level < olevel) continue;
        systemlevel = level + 1;
      }
      if (level < systemlevel && hasInstalled) {
        const olevel = level;
        level = this.#resolveInstalled(level, disablerules, dq);
        if (level < olevel) continue;
        systemlevel = level + 1;
      }
      if (level < systemlevel && this.flags.focusinstalled) {
        const olevel = level;
        level = this.#resolveJobRules(level, disablerules, dq);
        if (level < olevel) continue;
        systemlevel = level + 1;
      }
      if (level < systemlevel) systemlevel = level;
      {
        const olevel = level;
        level = this.#resolveDependencies(level, disablerules, dq);
        if (level < olevel) continue;
      }
      if (this.cleandepsmap && this.installed) {
        const rerun = { v: false };
        level = this.#resolveCleandeps(level, rerun);
        if (rerun.v) continue;
      }
      if (doweak) {
        const rerun = { v: false };
        level = this.#resolveWeak(level, dq, dqs, rerun);
        if (rerun.v) continue;
      }
      if (this.installed && (this.orphaned.length || this.brokenorphanrules)) {
        const rerun = { v: false };
        level = this.#resolveOrphaned(level, rerun);
        if (rerun.v) continue;
      }
      if (this.installed) {
        let broke = false;
        for (let p = this.installed.start; p < this.installed.end; p++) {
          if (this.decisionmap[p]) continue;
          const olevel = level;
          level = this.setPropagateLearn(level, -p, false, 0, REASON_CLEANDEPS_ERASE);
          if (level < olevel) {
            broke = true;
            break;
          }
        }
        if (broke) continue;
      }
      if (this.installed && this.cleandepsmap && checkCleandepsMistakes(this)) {
        this.reset();
        level = 0;
        continue;
      }
      if (this.choicerules !== this.choicerulesEnd && checkUnneededChoiceRules(this)) {
        this.reset();
        level = 0;
        continue;
      }
      // Auto-minimisation: revisit branches where a recommended alternative was passed over.
      if (this.branches.length) {
        let lasti = -1;
        let lastiend = -1;
        if (this.recommendsIndex < this.decisionq.length) updateRecommendsMap(this);
        const br = this.branches;
        for (let endi = br.length; endi > 0; ) {
          const starti = endi - br[endi - 2];
          const l = br[endi - 1];
          let lastsi = -1;
          for (let i = starti; i < endi - 4; i++) {
            const p = br[i];
            if (p <= 0) continue;
            if (this.decisionmap[p] > l) {
              lasti = i;
              lastiend = endi;
              lastsi = -1;
              break;
            }
            if (this.havedisfavored && this.favormap && this.favormap[p] < 0) continue;
            if (lastsi < 0 && (this.recommendsmap[p] || this.isSupplementing(p))) lastsi = i;
          }
          if (lastsi >= 0) {
            for (let i = starti; i < endi - 4; i++) {
              const p = -br[i];
              if (p <= 0 || this.decisionmap[p] !== l + 1) continue;
              if (this.favormap && this.favormap[p] > this.favormap[br[lastsi]]) continue;
              if (!this.flags.libsolv0723 && this.replacesInstalledPackage(p)) continue;
              if (!(this.recommendsmap[p] || this.isSupplementing(p))) {
                lasti = lastsi;
                lastiend = endi;
                break;
              }
            }
          }
          endi = starti;
        }
        if (lasti >= 0) {
          level = this.takeBranch(lasti, lastiend, disablerules);
          continue;
        }
      }
      break;
    }
  }

  #resolveJobRules(level: number, disablerules: boolean, dq: number[]): number {
    const oldlevel = level;
    for (let i = this.jobrules; i < this.jobrulesEnd; i++) {
      const r = this.rules[i];
      if (r.d < 0) continue;
      dq.length = 0;
      let satisfied = false;
      for (const l of this.literals(r)) {
        if (l < 0) {
          if (this.decisionmap[-l] <= 0) {
            satisfied = true;
            break;
          }
        } else {
          if (this.decisionmap[l] > 0) {
            satisfied = true;
            break;
          }
          if (this.decisionmap[l] === 0) dq.push(l);
        }
      }
      if (satisfied || !dq.length) continue;
      if (dq.length > 1 && this.installed && !this.updatemapAll && !this.flags.installalsoupdates && !(this.job[this.ruletojob[i - this.jobrules]] & JOB_ORUPDATE)) {
        let prune = true;
        if (this.updatemap) for (const p of dq) if (this.isInstalled(p) && this.updatemap[p - this.installed.start]) prune = false;
        if (prune) {
          const kept = dq.filter((p) => this.isInstalled(p));
          if (kept.length) {
            dq.length = 0;
            dq.push(...kept);
          }
        }
      }
      const olevel = level;
      level = this.selectAndInstall(level, dq, disablerules, i, REASON_RESOLVE_JOB);
      if (level <= olevel) {
        if (level === olevel) {
          i--;
          continue;
        }
        if (level < oldlevel) return level;
        i = this.jobrules - 1;
      }
    }
    return level;
  }

  #getSpecialUpdaters(i: number, dq: number[], rrp: number): void {
    const inst = this.installed as { start: number };
    const specoff = (this.specialupdaters as Int32Array)[i - inst.start];
    const data = this.store.data;
    // libsolv 0.7.23 offered the installed package only when its update rule was its own.
    if (this.decisionmap[i] >= 0 && (!this.flags.libsolv0723 || rrp === i)) dq.push(i);
    for (let d = specoff; data[d] !== 0; d++) if (this.decisionmap[data[d]] >= 0) dq.push(data[d]);
    for (let j = 0; j < dq.length; j++) {
      const p2 = dq[j];
      if (!this.isInstalled(p2)) continue;
      for (let d = specoff; data[d] !== 0; d++) {
        const p = data[d];
        if (this.decisionmap[p] >= 0 || this.isInstalled(p)) continue;
        if (this.identical(p, p2)) dq.push(p);
      }
    }
    const targets = this.updateTargets?.get(i);
    if (dq.length && targets) pruneTo(dq, targets);
    if (dq.length) {
      policyFilterUnwanted(this, dq, POLICY_MODE_CHOOSE);
      const p = dq[0];
      dq.length = p !== i && this.decisionmap[p] === 0 ? 1 : 0;
    }
  }

  #resolveInstalled(level: number, disablerules: boolean, dq: number[]): number {
    const inst = this.installed as { start: number; end: number };
    let installedpos = this.installedpos || inst.start;
    const origlevel = level;
    const legacy = this.flags.libsolv0723;
    // Passes: 0 = packages the user asked to update, 1 = keep what can be kept, 2 = update the
    // rest. (libsolv < 0.7.29: 0 = requested updates, then one pass keeping or updating.)
    const startpass = legacy ? (this.updatemap ? 0 : 2) : this.updatemapAll ? 2 : this.updatemap ? 0 : 1;
    const ninst = inst.end - inst.start;
    for (let pass = startpass; pass < 3; ) {
      let needpass2 = false;
      const passlevel = level;
      let i = installedpos;
      let n = 0;
      let broke = false;
      for (; n < ninst; i++, n++) {
        if (i === inst.end) i = inst.start;
        if (this.decisionmap[i] > 0 && !(this.specialupdaters && this.specialupdaters[i - inst.start])) continue;
        if (!pass && this.updatemap && !this.updatemap[i - inst.start]) continue;
        const r = this.rules[this.updaterules + (i - inst.start)];
        let rr = r;
        let rrIdx = this.updaterules + (i - inst.start);
        if (!rr.p || rr.d < 0) {
          rrIdx = this.featurerules + (i - inst.start);
          rr = this.rules[rrIdx];
        }
        if (!rr.p) {
          rr = r;
          rrIdx = this.updaterules + (i - inst.start);
        }
        if (!rr.p) continue;
        const wantUpdate = this.decisionmap[i] < 0 || this.updatemapAll || (this.updatemap !== undefined && this.updatemap[i - inst.start] === 1);
        if (!this.noupdate[i - inst.start] && (wantUpdate || (legacy && rr.p !== 0 && rr.p !== i))) {
          if (pass === 1) {
            needpass2 = true;
            continue;
          }
          dq.length = 0;
          if (this.specialupdaters && this.specialupdaters[i - inst.start]) {
            this.#getSpecialUpdaters(i, dq, rr.p);
            if (dq.length) {
              let rrf = this.featurerules + (i - inst.start);
              if (!this.rules[rrf].p) rrf = this.updaterules + (i - inst.start);
              const olevel = level;
              level = this.selectAndInstall(level, dq, disablerules, rrf, REASON_UPDATE_INSTALLED);
              if (level <= olevel) {
                if (level < passlevel) {
                  broke = true;
                  break;
                }
                if (level < olevel) n = 0;
                i--;
                n--;
                continue;
              }
              dq.length = 0;
            }
          }
          // libsolv 0.7.23 did not check the update rule after the special (multiversion) updaters.
          const skipRule = this.flags.libsolv0723 && this.specialupdaters !== undefined && this.specialupdaters[i - inst.start] !== 0;
          let fulfilled = skipRule;
          if (!skipRule) {
            for (const p of this.literals(rr)) {
              if (this.decisionmap[p] > 0) {
                fulfilled = true;
                break;
              }
              if (!this.decisionmap[p]) dq.push(p);
            }
          }
          if (fulfilled) dq.length = 0;
          const targets = this.updateTargets?.get(i);
          if (dq.length && targets) pruneTo(dq, targets);
          if (dq.length) {
            const olevel = level;
            level = this.selectAndInstall(level, dq, disablerules, rrIdx, REASON_UPDATE_INSTALLED);
            if (level <= olevel) {
              if (level < passlevel) {
                broke = true;
                break;
              }
              if (level < olevel) n = 0;
              i--;
              n--;
              continue;
            }
          }
        }
        if (this.decisionmap[i] === 0) {
          const olevel = level;
          if (this.cleandepsmap && this.cleandepsmap[i - inst.start]) continue;
          level = this.setPropagateLearn(level, i, disablerules, this.updaterules + (i - inst.start), REASON_KEEP_INSTALLED);
          if (level <= olevel) {
            if (level < passlevel) {
              broke = true;
              break;
            }
            if (level < olevel) n = 0;
            i--;
            n--;
            continue;
          }
        }
      }
      if (broke || n < ninst) {
        installedpos = i;
        if (level < origlevel) break;
        pass = startpass;
        continue;
      }
      installedpos = inst.start;
      pass = legacy && pass === 0 ? 2 : pass + 1;
      if (!legacy && pass === 2 && !needpass2) break;
    }
    this.installedpos = installedpos;
    return level;
  }

  #resolveDependencies(level: number, disablerules: boolean, dq: number[]): number {
    const origlevel = level;
    let postponed = 0;
    const focusbest = (this.flags.focusnew || this.flags.focusbest) && this.doExtraReordering;
    const data = this.store.data;
    const dm = this.decisionmap;
    for (let i = 1, n = 1; ; i++, n++) {
      if (n >= this.nrules()) {
        if (postponed <= 0) break;
        i = postponed;
        postponed = -1;
        n = 1;
      }
      if (i === this.nrules()) i = 1;
      if (focusbest && i >= this.featurerules) continue;
      const r = this.rules[i];
      if (r.d < 0) continue;
      if (r.p < 0) {
        if (r.d === 0 || dm[-r.p] <= 0) continue;
      }
      if (focusbest && r.d !== 0 && this.installed) {
        if (!(r.p < 0 && !this.isInstalled(-r.p))) {
          let found = false;
          for (let k = r.d; data[k] !== 0; k++) {
            const p = data[k];
            if (p < 0 && dm[-p] > 0 && !this.isInstalled(-p)) {
              found = true;
              break;
            }
          }
          if (!found) continue;
        }
        if (!this.flags.focusbest) {
          if (r.p > 1 && this.isInstalled(r.p)) continue;
          let instPos = false;
          for (let k = r.d; data[k] !== 0; k++) if (data[k] > 1 && this.isInstalled(data[k])) instPos = true;
          if (instPos) continue;
        }
      }
      dq.length = 0;
      if (r.d === 0) {
        if (r.w2 <= 0) continue;
        if (dm[r.p] || dm[r.w2]) continue;
        dq.push(r.p, r.w2);
      } else {
        if (r.p >= 0) {
          if (dm[r.p] > 0) continue;
          if (dm[r.p] === 0) dq.push(r.p);
        }
        let stop = false;
        for (let k = r.d; data[k] !== 0; k++) {
          const p = data[k];
          if (p < 0) {
            if (dm[-p] <= 0) {
              stop = true;
              break;
            }
          } else {
            if (dm[p] > 0) {
              stop = true;
              break;
            }
            if (dm[p] === 0) dq.push(p);
          }
        }
        if (stop) continue;
      }
      if (dq.length < 2) continue;
      if (this.cleandepsmap && this.installed) {
        const inst = this.installed;
        let cleandepsUpdate = false;
        let j = 0;
        for (; j < dq.length; j++) {
          if (this.isInstalled(dq[j]) && this.cleandepsmap[dq[j] - inst.start]) {
            if (this.updatemapAll || (this.updatemap && this.updatemap[dq[j] - inst.start])) {
              cleandepsUpdate = true;
              continue;
            }
            break;
          }
        }
        if (j < dq.length) {
          dq[0] = dq[j];
          dq.length = 1;
        } else if (cleandepsUpdate) this.#cleandepsUpdateFilter(dq);
      }
      if (dq.length > 1 && postponed >= 0) {
        policyFilterUnwanted(this, dq, POLICY_MODE_CHOOSE_NOREORDER);
        if (dq.length > 1) {
          if (!postponed) postponed = i;
          continue;
        }
      }
      level = this.selectAndInstall(level, dq, disablerules, i, REASON_RESOLVE);
      if (level < origlevel) break;
      n = 0;
    }
    return level;
  }

  /** do_cleandeps_update_filter: a cleandeps package to update may only be replaced by its updates. */
  #cleandepsUpdateFilter(dq: number[]): void {
    const inst = this.installed as { start: number; end: number };
    const cm = this.cleandepsmap as Uint8Array;
    const marked = new Set<number>();
    for (const p of [...dq]) {
      if (!this.isInstalled(p) || !cm[p - inst.start]) continue;
      let q: number[] = [];
      const d = this.specialupdaters ? this.specialupdaters[p - inst.start] : 0;
      if (d) q = this.store.list(d).filter((x) => this.decisionmap[x] >= 0);
      else {
        const ur = this.updaterules + (p - inst.start);
        if (this.rules[ur].p) q = this.ruleLits(ur).filter((x) => this.decisionmap[x] >= 0);
      }
      const targets = this.updateTargets?.get(p);
      if (q.length && targets) q = q.filter((x) => targets.includes(x));
      marked.add(p);
      for (const x of dq) if (q.includes(x)) marked.add(x);
    }
    const kept = dq.filter((x) => marked.has(x));
    dq.length = 0;
    dq.push(...kept);
  }

  #resolveCleandeps(level: number, rerun: { v: boolean }): number {
    const inst = this.installed;
    const cm = this.cleandepsmap;
    if (!inst || !cm) return level;
    let p = inst.start;
    for (; p < inst.end; p++) {
      if (this.decisionmap[p] !== 0 || !cm[p - inst.start]) continue;
      const olevel = level;
      level = this.setPropagateLearn(level, -p, false, 0, REASON_CLEANDEPS_ERASE);
      if (level < olevel) break;
    }
    if (p < inst.end) rerun.v = true;
    return level;
  }

  #dropOrphaned(p: number): boolean {
    const inst = this.installed;
    if (!inst || !this.processOrphans || !this.isInstalled(p)) return false;
    return this.droporphanedmapAll || (this.droporphanedmap !== undefined && this.droporphanedmap[p - inst.start] === 1);
  }

  #resolveWeak(level: number, dq: number[], dqs: number[], rerun: { v: boolean }): number {
    const pool = this.pool;
    const dm = this.decisionmap;
    dq.length = 0;
    dqs.length = 0;
    for (let i = 2; i < this.nsolvables; i++) {
      if (dm[i] < 0) continue;
      if (dm[i] > 0) {
        if (!this.flags.addalreadyrecommended && this.isInstalled(i)) continue;
        for (const rec of pool.deps(i, 'recommends')) {
          if (this.isComplexDep(rec)) {
            this.#addComplexRecommends(rec, dq, undefined);
            continue;
          }
          const start = dq.length;
          for (const p of this.providers(rec)) {
            if (dm[p] > 0) {
              dq.length = start;
              break;
            } else if (dm[p] === 0) {
              if (this.#dropOrphaned(p)) continue;
              if (!dq.includes(p)) dq.push(p);
            }
          }
        }
      } else {
        if (!pool.deps(i, 'supplements').length) continue;
        if (!this.installable(i)) continue;
        if (!this.isSupplementing(i)) continue;
        if (this.#dropOrphaned(i)) continue;
        if (this.havedisfavored && this.favormap && this.favormap[i] < 0) continue;
        if (this.excludefromweakmap && this.excludefromweakmap[i]) continue;
        dqs.push(i);
      }
    }
    if (dq.length && this.havedisfavored && this.favormap) filterTo(dq, (p) => (this.favormap as Int32Array)[p] >= 0);
    if (this.excludefromweakmap) filterTo(dq, (p) => !(this.excludefromweakmap as Uint8Array)[p]);
    if ((dqs.length || dq.length) && this.installed) {
      const obsmap = new Uint8Array(this.nsolvables);
      for (let p = this.installed.start; p < this.installed.end; p++) {
        if (!pool.deps(p, 'obsoletes').length || dm[p] <= 0) continue;
        if (!this.flags.keepexplicitobsoletes && this.isMultiversion(p)) continue;
        for (const obs of pool.deps(p, 'obsoletes')) {
          for (const po of this.providers(obs)) {
            if (!this.pf.obsoleteusesprovides && !this.matchNevr(po, obs)) continue;
            if (this.pf.obsoleteusescolors && !this.colormatch(p, po)) continue;
            obsmap[po] = 1;
          }
        }
      }
      filterTo(dqs, (p) => !obsmap[p]);
      filterTo(dq, (p) => !obsmap[p]);
    }
    if (!this.flags.addalreadyrecommended && dqs.length) filterTo(dqs, (p) => this.#supplementingAlreadyInstalled(p));
    if (dqs.length && this.multiversion) {
      filterTo(dqs, (p) => {
        if (!this.isMultiversion(p)) return true;
        for (const p2 of this.providersOfName(pool.solvName[p])) if (dm[p2] > 0 && pool.solvName[p2] === pool.solvName[p]) return false;
        return true;
      });
    }
    if (dqs.length && this.pf.implicitobsoleteusescolors) {
      filterTo(dqs, (p) => {
        for (const p2 of this.providersOfName(pool.solvName[p])) {
          if (dm[p2] > 0 && pool.solvName[p2] === pool.solvName[p] && pool.solvArch[p2] !== pool.solvArch[p]) return false;
        }
        return true;
      });
    }
    for (const p of dqs) if (!dq.includes(p)) dq.push(p);
    if (!dq.length) return level;
    rerun.v = true;
    if (dq.length === 1) return this.setPropagateLearn(level, dq[0], false, 0, REASON_WEAKDEP);
    policyFilterUnwanted(this, dq, POLICY_MODE_RECOMMEND);
    const dqmap = new Uint8Array(this.nsolvables);
    for (const p of dq) dqmap[p] = 1;
    filterTo(dqs, (p) => dqmap[p] === 1);
    if (dqs.length > 1) policyFilterUnwanted(this, dqs, POLICY_MODE_SUPPLEMENT);
    const decisioncount = this.decisionq.length;
    let i = 0;
    for (; i < dqs.length; i++) {
      const p = dqs[i];
      if (dm[p]) continue;
      const olevel = level;
      level = this.setPropagateLearn(level, p, false, 0, REASON_WEAKDEP);
      if (level <= olevel) break;
    }
    if (i < dqs.length || this.decisionq.length < decisioncount) return level;
    for (let k = 0; k < decisioncount; k++) {
      const p = this.decisionq[k];
      if (p < 0 || p === SYSTEM_SOLVABLE) continue;
      if (!this.flags.addalreadyrecommended && this.isInstalled(p)) continue;
      let stop = false;
      for (const rec of pool.deps(p, 'recommends')) {
        dq.length = 0;
        if (this.isComplexDep(rec)) this.#addComplexRecommends(rec, dq, dqmap);
        else {
          for (const q of this.providers(rec)) {
            if (dm[q] > 0) {
              dq.length = 0;
              break;
            } else if (dm[q] === 0 && dqmap[q]) dq.push(q);
          }
        }
        if (!dq.length) continue;
        if (dq.length > 1) policyFilterUnwanted(this, dq, POLICY_MODE_CHOOSE);
        if (dq.length > 1) this.createBranch(level, dq, p, rec);
        const olevel = level;
        level = this.setPropagateLearn(level, dq[0], false, 0, REASON_WEAKDEP);
        if (level <= olevel || this.decisionq.length < decisioncount) {
          stop = true;
          break;
        }
      }
      if (stop) break;
    }
    return level;
  }

  /** Recommended packages of a rich recommends whose conditions hold (add_complex_recommends). */
  #addComplexRecommends(rec: number, dq: number[], dqmap: Uint8Array | undefined): void {
    const dm = this.decisionmap;
    const start = dq.length;
    for (const clause of this.pool.richCnf(rec)) {
      let blocked = false;
      let satisfied = false;
      for (const l of clause) {
        if (l < 0 && dm[-l] <= 0) blocked = true;
        if (l > 0 && dm[l] > 0) satisfied = true;
      }
      if (blocked || satisfied) continue;
      for (const l of clause) {
        if (l <= 0 || dm[l] !== 0) continue;
        if (dqmap && !dqmap[l]) continue;
        if (!dq.includes(l, start)) dq.push(l);
      }
    }
  }

  /** solver_is_supplementing_alreadyinstalled: supplements not already met before the transaction. */
  #supplementingAlreadyInstalled(p: number): boolean {
    const inst = this.installed;
    for (const sup of this.pool.deps(p, 'supplements')) {
      if (!this.depFulfilled(sup)) continue;
      // Fulfilled only thanks to newly installed packages?
      if (!inst) return true;
      let byNew = false;
      for (const q of this.providers(sup)) if (this.decisionmap[q] > 0 && !this.isInstalled(q)) byNew = true;
      if (byNew) return true;
    }
    return false;
  }

  #resolveOrphaned(level: number, rerun: { v: boolean }): number {
    const inst = this.installed;
    if (!inst) return level;
    let installedone = false;
    let i = 0;
    for (; i < this.orphaned.length; i++) {
      const p = this.orphaned[i];
      if (this.decisionmap[p]) continue;
      if (this.droporphanedmapAll) continue;
      if (this.droporphanedmap && this.droporphanedmap[p - inst.start]) continue;
      const olevel = level;
      level = this.setPropagateLearn(level, p, false, 0, REASON_RESOLVE_ORPHAN);
      installedone = true;
      if (level < olevel) break;
    }
    if (installedone || i < this.orphaned.length) {
      rerun.v = true;
      return level;
    }
    for (const p of this.orphaned) {
      if (this.decisionmap[p]) continue;
      const olevel = level;
      level = this.setPropagateLearn(level, -p, false, 0, REASON_RESOLVE_ORPHAN);
      if (level < olevel) {
        rerun.v = true;
        return level;
      }
    }
    return level;
  }

  /** Update candidates libsolv would consider for installed `s` (for CLI / checks). */
  updateCandidates(s: number): number[] {
    return findUpdatePackages(this, s, 0);
  }
}

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i < b; i++) out.push(i);
  return out;
}

function zeroRule(r: { p: number; d: number; w1: number; w2: number; n1: number; n2: number }): void {
  r.p = r.d = r.w1 = r.w2 = r.n1 = r.n2 = 0;
}

function pruneTo(dq: number[], keep: readonly number[]): void {
  filterTo(dq, (p) => keep.includes(p));
}

function filterTo(q: number[], keep: (p: number) => boolean): void {
  let j = 0;
  for (let i = 0; i < q.length; i++) if (keep(q[i])) q[j++] = q[i];
  q.length = j;
}

/** Selection kinds re-exported for job builders. */
export const SELECTIONS = { SEL_SOLVABLE, SEL_NAME, SEL_PROVIDES, SEL_ONE_OF, SEL_REPO, SEL_ALL } as const;
export const JOB_KINDS = { JOB_INSTALL, JOB_ERASE, JOB_UPDATE, JOB_LOCK, JOB_DISTUPGRADE } as const;
