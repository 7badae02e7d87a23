export { GeofenceEngine } from './engine.js';
export { type PreparedGeometry, prepareGeometry, signedDistanceM } from './geometry.js';
export { type CompiledSchedule, compileSchedule, isActive, weekTimeMs } from './schedule.js';
export {
  type AreaFence,
  areaFenceSchema,
  type EngineOptions,
  type EngineOptionsInput,
  engineOptionsSchema,
  type Fence,
  type FenceInput,
  fenceSchema,
  fencesSchema,
  type RouteFence,
  routeFenceSchema,
  type Weekday,
  type WeeklyWindow,
  weekdays,
  weeklyWindowSchema,
} from './schema.js';
export { episodeId } from './tracker.js';
export { type Alarm, type AlarmType, alarmTypes, type EngineStats, type Fix } from './types.js';
