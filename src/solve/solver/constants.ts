// Job, selection, rule-class and reason codes. The numbers are libsolv's (solver.h, rules.h) so a
// job prints and compares the same way in both; only names appear in Strata's output.

/** What a job selects (low byte of `how`). */
export const SEL_SOLVABLE = 0x01;
export const SEL_NAME = 0x02;
export const SEL_PROVIDES = 0x03;
export const SEL_ONE_OF = 0x04;
export const SEL_REPO = 0x05;
export const SEL_ALL = 0x06;
export const SELECT_MASK = 0xff;

/** What a job does (second byte of `how`). */
export const JOB_NOOP = 0x0000;
export const JOB_INSTALL = 0x0100;
export const JOB_ERASE = 0x0200;
export const JOB_UPDATE = 0x0300;
export const JOB_WEAKENDEPS = 0x0400;
export const JOB_MULTIVERSION = 0x0500;
export const JOB_LOCK = 0x0600;
export const JOB_DISTUPGRADE = 0x0700;
export const JOB_VERIFY = 0x0800;
export const JOB_DROP_ORPHANED = 0x0900;
export const JOB_USERINSTALLED = 0x0a00;
export const JOB_ALLOWUNINSTALL = 0x0b00;
export const JOB_FAVOR = 0x0c00;
export const JOB_DISFAVOR = 0x0d00;
export const JOB_BLACKLIST = 0x0e00;
export const JOB_EXCLUDEFROMWEAK = 0x1000;
export const JOB_MASK = 0xff00;

/** Job flags. */
export const JOB_WEAK = 0x010000;
export const JOB_ESSENTIAL = 0x020000;
export const JOB_CLEANDEPS = 0x040000;
export const JOB_ORUPDATE = 0x080000;
export const JOB_FORCEBEST = 0x100000;
export const JOB_TARGETED = 0x200000;
export const JOB_NOTBYUSER = 0x400000;
export const JOB_SETEV = 0x01000000;
export const JOB_SETEVR = 0x02000000;
export const JOB_SETARCH = 0x04000000;
export const JOB_SETVENDOR = 0x08000000;
export const JOB_SETREPO = 0x10000000;
export const JOB_NOAUTOSET = 0x20000000;
export const JOB_SETNAME = 0x40000000;
export const JOB_SETMASK = 0x7f000000;

/** Rule classes and the detail of package rules (what a problem says). */
export const RULE_UNKNOWN = 0;
export const RULE_PKG = 0x100;
export const RULE_PKG_NOT_INSTALLABLE = 0x101;
export const RULE_PKG_NOTHING_PROVIDES_DEP = 0x102;
export const RULE_PKG_REQUIRES = 0x103;
export const RULE_PKG_SELF_CONFLICT = 0x104;
export const RULE_PKG_CONFLICTS = 0x105;
export const RULE_PKG_SAME_NAME = 0x106;
export const RULE_PKG_OBSOLETES = 0x107;
export const RULE_PKG_IMPLICIT_OBSOLETES = 0x108;
export const RULE_PKG_INSTALLED_OBSOLETES = 0x109;
export const RULE_PKG_RECOMMENDS = 0x10a;
export const RULE_PKG_CONSTRAINS = 0x10b;
export const RULE_PKG_SUPPLEMENTS = 0x10c;
export const RULE_UPDATE = 0x200;
export const RULE_FEATURE = 0x300;
export const RULE_JOB = 0x400;
export const RULE_JOB_NOTHING_PROVIDES_DEP = 0x401;
export const RULE_JOB_PROVIDED_BY_SYSTEM = 0x402;
export const RULE_JOB_UNKNOWN_PACKAGE = 0x403;
export const RULE_JOB_UNSUPPORTED = 0x404;
export const RULE_DISTUPGRADE = 0x500;
export const RULE_INFARCH = 0x600;
export const RULE_CHOICE = 0x700;
export const RULE_LEARNT = 0x800;
export const RULE_BEST = 0x900;
export const RULE_YUMOBS = 0xa00;
export const RULE_RECOMMENDS = 0xb00;
export const RULE_BLACK = 0xc00;
export const RULE_STRICT_REPO_PRIORITY = 0xd00;
export const RULE_TYPEMASK = 0xff00;

/** Why a decision was taken. */
export const REASON_UNRELATED = 0;
export const REASON_UNIT_RULE = 1;
export const REASON_KEEP_INSTALLED = 2;
export const REASON_RESOLVE_JOB = 3;
export const REASON_UPDATE_INSTALLED = 4;
export const REASON_CLEANDEPS_ERASE = 5;
export const REASON_RESOLVE = 6;
export const REASON_WEAKDEP = 7;
export const REASON_RESOLVE_ORPHAN = 8;

/** policy_filter_unwanted modes. */
export const POLICY_MODE_CHOOSE = 0;
export const POLICY_MODE_RECOMMEND = 1;
export const POLICY_MODE_SUGGEST = 2;
export const POLICY_MODE_SUPPLEMENT = 4;
export const POLICY_MODE_CHOOSE_NOREORDER = 5;

/** What policy_is_illegal may ignore / report. */
export const ILLEGAL_DOWNGRADE = 1;
export const ILLEGAL_ARCHCHANGE = 2;
export const ILLEGAL_VENDORCHANGE = 4;
export const ILLEGAL_NAMECHANGE = 8;

/** Transaction element types (what a testcase result and the CLI print). */
export { TRANSACTION_TYPES } from '../testcase/result.ts';
export type { TcTransactionType as TransactionType } from '../testcase/result.ts';
