// Public surface of the component build engine: prepared components (rendered spec + sources +
// fingerprint) in, SRPMs and RPMs in a chained local rpm-md repository out.
export { buildComponents, hostArch } from './engine.ts';
export {
  BuildError,
  type BuildEvent,
  type BuildOptions,
  type BuildResult,
  type ComponentBuildResult,
  type ComponentOutcome,
  type PreparedComponent,
} from './model.ts';
export { HOST_BUILD_TOOLS } from './host.ts';
export { planBuild, findCycle, waveLevels, type BuildPlan, type ComponentPlan, type PlanInput, type PlanOptions } from './plan.ts';
export { querySpec, SpecQueryError, type SpecFacts } from './spec-query.ts';
export { formatBuildSummary, summaryRows } from './summary.ts';
