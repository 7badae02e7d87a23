import { ValidationError } from '../validation.js';

/**
 * Case numbers are allocated locally without coordination (DESIGN.md §4): `<division>-<yyyymmdd>-<counter>`,
 * division being the allocating origin's 6-digit division code and the date the city's local date.
 */
export interface CaseNumber {
  division: string;
  date: string;
  counter: number;
}

const pattern = /^(\d{6})-(\d{8})-(\d{5,})$/;

export function formatCaseNumber(n: CaseNumber): string {
  if (!/^\d{6}$/.test(n.division)) throw new ValidationError('caseNumber.division', 'must be 6 digits');
  if (!/^\d{8}$/.test(n.date) || !isRealDate(n.date))
    throw new ValidationError('caseNumber.date', 'must be a real date yyyymmdd');
  if (!Number.isInteger(n.counter) || n.counter < 1)
    throw new ValidationError('caseNumber.counter', 'must be an integer ≥ 1');
  return `${n.division}-${n.date}-${String(n.counter).padStart(5, '0')}`;
}

export function parseCaseNumber(s: unknown, field = 'caseNumber'): CaseNumber {
  if (typeof s !== 'string') throw new ValidationError(field, 'must be a string');
  const m = pattern.exec(s);
  if (!m) throw new ValidationError(field, 'must be <6-digit division>-<yyyymmdd>-<counter of ≥5 digits>');
  const [, division = '', date = '', counter = ''] = m;
  if (!isRealDate(date)) throw new ValidationError(field, `date part ${date} is not a real date`);
  const n = Number(counter);
  if (n < 1 || !Number.isSafeInteger(n)) throw new ValidationError(field, 'counter must be ≥ 1');
  return { division, date, counter: n };
}

/** The local calendar date (yyyymmdd) of an instant in a city at a fixed UTC offset (China: +480 minutes). */
export function localDateKey(epochMs: number, utcOffsetMinutes = 480): string {
  const d = new Date(epochMs + utcOffsetMinutes * 60_000);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  return `${y}${String(m).padStart(2, '0')}${String(day).padStart(2, '0')}`;
}

function isRealDate(yyyymmdd: string): boolean {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  const dt = new Date(Date.UTC(y, m - 1, d));
  return y >= 2000 && dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}
