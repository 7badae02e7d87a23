// The seeded demo district (溧阳 old town): base data through the basedata importers, history through the services.
export { DemoClock } from './clock.js';
export { DEFAULT_DEMO_DATA_DIR, demoConfig } from './config.js';
export { type HistoryFailure, type HistoryResult, writeHistory } from './history.js';
export { type CasePlan, type Outcome, openTargets, outcomes, planCases } from './plans.js';
export {
  DEMO_DIVISION,
  DEMO_STATE_KEY,
  type DemoBaseData,
  type DemoOptions,
  type DemoSeedReport,
  dataDirState,
  demoDefaults,
  demoSmall,
  generateBaseData,
  generateDistrict,
  handlerDepartments,
  type SeedLog,
  seedDemo,
} from './seed.js';
export { type DemoSummary, summarizeDemo } from './summary.js';
export { DEMO_PASSWORD, type DemoUserSpec, demoUserSpecs } from './users.js';
