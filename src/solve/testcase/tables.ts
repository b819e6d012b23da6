// Names ext/testcase.c knows (libsolv 0.7.39), so the reader can flag anything else.

/** Job actions (job2str); `noobsoletes` is the old name of `multiversion`. */
export const JOB_ACTIONS: readonly string[] = [
  'noop',
  'install',
  'erase',
  'update',
  'weakendeps',
  'multiversion',
  'noobsoletes',
  'lock',
  'distupgrade',
  'verify',
  'droporphaned',
  'userinstalled',
  'allowuninstall',
  'favor',
  'disfavor',
  'blacklist',
  'excludefromweak',
];

/** Job modifiers in `[…]` (jobflags2str). */
export const JOB_FLAGS: readonly string[] = [
  'weak',
  'essential',
  'cleandeps',
  'orupdate',
  'forcebest',
  'targeted',
  'notbyuser',
  'setev',
  'setevr',
  'setarch',
  'setvendor',
  'setrepo',
  'noautoset',
];

/** Result flags (resultflags2str). */
export const RESULT_FLAGS: readonly string[] = [
  'transaction',
  'problems',
  'orphaned',
  'recommended',
  'unneeded',
  'alternatives',
  'rules',
  'genid',
  'reason',
  'cleandeps',
  'jobs',
  'userinstalled',
  'order',
  'orderedges',
  'proof',
];

/** Solver flags and their defaults (solverflags2str); `solverflags` resets all to these first. */
export const SOLVER_FLAG_DEFAULTS: Readonly<Record<string, boolean>> = {
  allowdowngrade: false,
  allownamechange: true,
  allowarchchange: false,
  allowvendorchange: false,
  allowuninstall: false,
  noupdateprovide: false,
  splitprovides: false,
  ignorerecommended: false,
  addalreadyrecommended: false,
  noinfarchcheck: false,
  keepexplicitobsoletes: false,
  bestobeypolicy: false,
  noautotarget: false,
  dupallowdowngrade: true,
  dupallowarchchange: true,
  dupallowvendorchange: true,
  dupallownamechange: true,
  keeporphans: false,
  breakorphans: false,
  focusinstalled: false,
  yumobsoletes: false,
  needupdateprovide: false,
  urpmreorder: false,
  focusbest: false,
  strongrecommends: false,
  installalsoupdates: false,
  onlynamespacerecommended: false,
  strictrepopriority: false,
  focusnew: false,
};

/** Pool flags (poolflags2str); all default to off. */
export const POOL_FLAGS: readonly string[] = [
  'promoteepoch',
  'forbidselfconflicts',
  'obsoleteusesprovides',
  'implicitobsoleteusesprovides',
  'obsoleteusescolors',
  'implicitobsoleteusescolors',
  'noinstalledobsoletes',
  'havedistepoch',
  'noobsoletesmultiversion',
  'addfileprovidesfiltered',
  'nowhatprovidesaux',
  'whatprovideswithdisabled',
];

/** Selection flags for `job … selection …` (selflags2str). */
export const SELECTION_FLAGS: readonly string[] = [
  'name',
  'provides',
  'filelist',
  'canon',
  'dotarch',
  'rel',
  'installedonly',
  'glob',
  'flat',
  'nocase',
  'sourceonly',
  'withsource',
  'skipkind',
  'depstr',
  'withdisabled',
  'withbadarch',
  'add',
  'subtract',
  'filter',
];

/** Dist types for `system` (disttype2str). */
export const DISTTYPES: readonly string[] = ['rpm', 'deb', 'arch', 'haiku', 'conda', 'apk'];

/** `feature` names a libsolv build may have. */
export const KNOWN_FEATURES: readonly string[] = ['linked_packages', 'complex_deps', 'testcase_helixrepo'];

/** `genid` commands. */
export const GENID_COMMANDS: readonly string[] = ['op', 'lit', 'null', 'dep', 'susedep'];
