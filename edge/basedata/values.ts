import { ValidationError } from '../../shared/validation.js';

// Cell parsers shared by the importers. Each throws ValidationError(column, rule) so RowCheck turns it into a problem.

/**
 * The text of a CSV cell or GeoJSON property, trimmed; '' for empty, null or missing. JSON integers beyond 2^53
 * (17-digit ids) were already rounded by JSON.parse, so they are refused instead of stored wrong.
 */
export function cellText(value: unknown, column: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') {
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
      throw new ValidationError(
        column,
        'is a JSON number too large to be exact (ids of 16+ digits): write it as a string',
      );
    }
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  throw new ValidationError(column, `must be text or a number, got ${Array.isArray(value) ? 'array' : typeof value}`);
}

/** The value, or a 'required' problem when empty. */
export function requireText(value: string, column: string, maxLength = 200): string {
  if (value === '') throw new ValidationError(column, 'is required');
  if (value.length > maxLength) throw new ValidationError(column, `must be at most ${maxLength} characters`);
  return value;
}

/** The value or null when empty. */
export function optionalText(value: string, column: string, maxLength = 500): string | null {
  if (value.length > maxLength) throw new ValidationError(column, `must be at most ${maxLength} characters`);
  return value === '' ? null : value;
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/u;

/** A decimal number written in the usual way ("120.5", "-3", "1e3"); commas as decimal marks are refused. */
export function parseDecimal(value: string, column: string): number {
  if (value === '') throw new ValidationError(column, 'is required (a number)');
  if (!DECIMAL.test(value)) {
    const hint = /^\d+,\d+$/u.test(value) ? ' (use a point as the decimal mark)' : '';
    throw new ValidationError(column, `must be a number, got "${value}"${hint}`);
  }
  return Number(value);
}

// Arithmetic instead of Date.parse: this runs for two columns of every component row.
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/u;
const DATE = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/u;

/**
 * A calendar date as YYYY-MM-DD, or null when empty. Accepts 2024-05-01, 2024/5/1, 20240501, optionally followed by
 * a time of day (spreadsheets add 00:00:00), which is dropped: 初始日期/变更日期 are dates.
 */
export function parseOptionalDate(value: string, column: string): string | null {
  if (value === '') return null;
  const compact = COMPACT_DATE.exec(value);
  const full = compact ? undefined : DATE.exec(value);
  const parts = compact ? compact.slice(1, 4) : full ? [full[1], full[3], full[4]] : undefined;
  if (!parts) throw new ValidationError(column, `must be a date like 2024-05-01, got "${value}"`);
  const [y = '', m = '', d = ''] = parts;
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new ValidationError(column, `is not a real calendar date: "${value}"`);
  }
  return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
}

/** China's rough bounding box (DOMAIN.md §5 data is WGS-84/CGCS2000 lon/lat inside it). */
export const CHINA_BBOX = { minLon: 73, maxLon: 136, minLat: 3, maxLat: 54 } as const;

const inChina = (lon: number, lat: number) =>
  lon >= CHINA_BBOX.minLon && lon <= CHINA_BBOX.maxLon && lat >= CHINA_BBOX.minLat && lat <= CHINA_BBOX.maxLat;

/**
 * Why a lon/lat pair (degrees) cannot be stored, or undefined when it is fine. Survey exports are often projected
 * CGCS2000 Gauss-Krüger metres (X≈500000, Y≈3500000, sometimes with a zone prefix); those are named as such.
 */
export function lonLatProblem(lon: number, lat: number): string | undefined {
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) return 'coordinates must be finite numbers';
  if (inChina(lon, lat)) return undefined;
  if (inChina(lat, lon)) return `(${lon}, ${lat}) look swapped: longitude comes first (X = longitude, Y = latitude)`;
  if (Math.abs(lon) >= 1000 || Math.abs(lat) >= 1000) {
    return `(${lon}, ${lat}) look like projected Gauss-Krüger metres, not degrees: convert projected Gauss-Krüger coordinates to CGCS2000/WGS-84 longitude/latitude first`;
  }
  if (Math.abs(lon) > 180 || Math.abs(lat) > 90) {
    return `(${lon}, ${lat}) are not a longitude within [-180, 180] and a latitude within [-90, 90]`;
  }
  return `(${lon}, ${lat}) lie outside China (longitude 73–136 E, latitude 3–54 N)`;
}
