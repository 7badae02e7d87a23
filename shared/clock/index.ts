/** Step clocks (DOMAIN.md §6): working calendars, deadlines in every limit unit, and clock status with lights. */
export {
  holidayName,
  isWorkingDay,
  isWorkingInstant,
  localDateOf,
  workingDayLengthMs,
  workingIntervalsOfDay,
} from './calendar.js';
export {
  defaultWorkingPeriods,
  parseWorkingCalendar,
  type WorkingCalendar,
  type WorkingCalendarInput,
  workingCalendarSchema,
  type YearScheduleInput,
  yearScheduleSchema,
} from './calendar.schema.js';
export { computeDeadline, limitMs, parseTimeLimit } from './deadline.js';
export { cnNationalSchedule2026 } from './holidays-cn-2026.js';
export {
  type ClockStatus,
  type ClockThresholds,
  type ClockThresholdsInput,
  clockStatus,
  clockThresholdsSchema,
  parseClockThresholds,
  trafficLight,
} from './status.js';
export * from './types.js';
export { addWorkingTime, workingTimeBetween } from './working-time.js';
