// SAT core of the dependency solver: a CDCL solver with a pluggable decision policy.
export { SatSolver, luby, type SatOptions, type SatStats, type SolveOptions, type SolveResult } from './solver.ts';
export { parseDimacs, formatDimacs, type Cnf } from './dimacs.ts';
