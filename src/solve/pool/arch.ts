// Architecture policy: which package arches a system arch can install, and how good each one is.
// Same meaning as libsolv built for Fedora (pool_setarch): a system arch expands to an ordered list
// of compatible arches, best first; noarch is always compatible and forms a class of its own;
// src/nosrc are never installable.

/** Compatible arches per system arch, best first (Fedora's list: athlon sits between x86_64 and i686). */
const POLICIES: Record<string, readonly string[]> = {
  x86_64_v4: ['x86_64_v4', 'x86_64_v3', 'x86_64_v2', 'x86_64', 'athlon', 'i686', 'i586', 'i486', 'i386'],
  x86_64_v3: ['x86_64_v3', 'x86_64_v2', 'x86_64', 'athlon', 'i686', 'i586', 'i486', 'i386'],
  x86_64_v2: ['x86_64_v2', 'x86_64', 'athlon', 'i686', 'i586', 'i486', 'i386'],
  x86_64: ['x86_64', 'athlon', 'i686', 'i586', 'i486', 'i386'],
  amd64: ['amd64', 'x86_64', 'athlon', 'i686', 'i586', 'i486', 'i386'],
  ia32e: ['ia32e', 'x86_64', 'athlon', 'i686', 'i586', 'i486', 'i386'],
  athlon: ['athlon', 'i686', 'i586', 'i486', 'i386'],
  i686: ['i686', 'i586', 'i486', 'i386'],
  i586: ['i586', 'i486', 'i386'],
  i486: ['i486', 'i386'],
  s390x: ['s390x', 's390'],
  ppc64: ['ppc64', 'ppc'],
  ppc64p7: ['ppc64p7', 'ppc64', 'ppc'],
  armv7hl: ['armv7hl', 'armv6hl'],
  armv7hnl: ['armv7hnl', 'armv7hl', 'armv6hl'],
  // aarch64, ppc64le, riscv64, …: only themselves (plus noarch).
};

/** Score of noarch (and of every arch when no system arch is set): compatible, outside the ranking. */
export const ARCH_SCORE_NOARCH = 1;
/** Score step between successive compatible arches (libsolv keeps "classes" in the high 16 bits). */
export const ARCH_SCORE_STEP = 0x10000;

/**
 * Scores for a system arch: 0 = not installable; 1 = noarch; otherwise 0x10001, 0x20001, … in
 * policy order, so a LOWER score is a BETTER arch (x86_64 0x10001 < i686 0x30001). The policy
 * compares `score & 0xffff0000` to decide "same arch class" and keeps noarch next to the best one.
 */
export function archScores(systemArch: string): Map<string, number> {
  const list = POLICIES[systemArch] ?? [systemArch];
  const scores = new Map<string, number>();
  scores.set('noarch', ARCH_SCORE_NOARCH);
  let score = ARCH_SCORE_NOARCH;
  for (const a of list) {
    if (scores.has(a)) continue;
    score += ARCH_SCORE_STEP;
    scores.set(a, score);
  }
  return scores;
}

/** Architectures that are never installable (source packages). */
export function isSourceArch(arch: string): boolean {
  return arch === 'src' || arch === 'nosrc';
}

/** Score of `arch` on `systemArch` (see archScores); 0 when it cannot be installed there. */
export function archScore(arch: string, systemArch: string): number {
  if (isSourceArch(arch)) return 0;
  return archScores(systemArch).get(arch) ?? 0;
}

/** Multilib colour, as libsolv assigns it: 1 = 32-bit, 2 = 64-bit, 3 = any (noarch). */
export const COLOR_32 = 1;
export const COLOR_64 = 2;
export const COLOR_ALL = 3;

/** Same-name packages of different colours may be installed side by side (multilib). */
export function archColor(arch: string): number {
  if (arch === 'noarch' || arch === 'all' || arch === 'any') return COLOR_ALL;
  if (arch === 's390x' || arch.includes('64')) return COLOR_64;
  return COLOR_32;
}
