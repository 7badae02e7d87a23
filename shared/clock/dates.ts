/** Pure helpers for local dates and clock times; a "day number" is whole days since 1970-01-01 (local). */

export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

export const weekdayNames = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type WeekdayName = (typeof weekdayNames)[number];

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const timePattern = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;

/** Day number of a real calendar date `YYYY-MM-DD`, or null when the text is not one (e.g. 2026-02-30). */
export function parseLocalDate(text: string): number | null {
  const m = datePattern.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  // Date.UTC rolls 02-30 over into March; a round trip catches it.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / MS_PER_DAY;
}

/** `YYYY-MM-DD` of a day number. */
export function formatLocalDate(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Minutes after local midnight of `HH:MM`; `24:00` (a period ending at midnight) is 1440. Null when malformed. */
export function parseClockTime(text: string): number | null {
  const m = timePattern.exec(text);
  if (!m) return null;
  return m[3] ? 1440 : Number(m[1]) * 60 + Number(m[2]);
}

/** 0 = Sunday … 6 = Saturday; 1970-01-01 was a Thursday. */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Calendar year of a day number. */
export function yearOf(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCFullYear();
}
