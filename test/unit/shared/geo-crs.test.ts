import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { latSpanDeg, lonSpanDeg } from '../../../shared/geo/distance.js';
import {
  bd09ToWgs84,
  type CoordinateSystem,
  convertCoordinate,
  EARTH_RADIUS_M,
  gcj02ToWgs84,
  haversineM,
  type LonLat,
  wgs84ToBd09,
  wgs84ToGcj02,
} from '../../../shared/geo/index.js';
import { ValidationError } from '../../../shared/validation.js';

const liyang: LonLat = [119.48, 31.42];
// Mainland China, well inside gcoord's rough China box (outside it GCJ-02 equals WGS-84).
const uniform = (min: number, max: number) =>
  fc.integer({ min: 0, max: 2 ** 30 }).map((n) => min + ((max - min) * n) / 2 ** 30);
const inChina = fc.tuple(uniform(98, 122), uniform(22, 45));

describe('coordinate conversion', () => {
  it('reproduces the reference pairs from gcoord’s own test suite', () => {
    const gcj = wgs84ToGcj02([123, 45]);
    expect(gcj[0]).toBeCloseTo(123.00607541, 7);
    expect(gcj[1]).toBeCloseTo(45.00197815, 7);
    const wgs = gcj02ToWgs84([123, 45]);
    expect(wgs[0]).toBeCloseTo(122.99395597, 6);
    expect(wgs[1]).toBeCloseTo(44.99804071, 6);
    const bd = wgs84ToBd09([123, 45]);
    expect(bd[0]).toBeCloseTo(123.0124491, 6);
    expect(bd[1]).toBeCloseTo(45.0083293, 6);
    const fromBd = bd09ToWgs84([123, 45]);
    expect(fromBd[0]).toBeCloseTo(122.9876221, 6);
    expect(fromBd[1]).toBeCloseTo(44.9917154, 6);
  });

  it('WGS-84 → GCJ-02 → WGS-84 and WGS-84 → BD-09 → WGS-84 come back within 1 m inside China', () => {
    fc.assert(
      fc.property(inChina, (p) => {
        expect(haversineM(p, gcj02ToWgs84(wgs84ToGcj02(p)))).toBeLessThan(1);
        expect(haversineM(p, bd09ToWgs84(wgs84ToBd09(p)))).toBeLessThan(1);
      }),
      { numRuns: 300 },
    );
  });

  it('the GCJ-02 offset in Liyang is a few hundred metres (the conversion really happened)', () => {
    const offset = haversineM(liyang, wgs84ToGcj02(liyang));
    expect(offset).toBeGreaterThan(100);
    expect(offset).toBeLessThan(700);
  });

  it('CGCS2000 is treated as WGS-84, and converting to the same system is the identity', () => {
    expect(convertCoordinate(liyang, 'CGCS2000', 'GCJ02')).toEqual(wgs84ToGcj02(liyang));
    expect(convertCoordinate(liyang, 'CGCS2000', 'WGS84')).toEqual(liyang);
    expect(convertCoordinate(liyang, 'GCJ02', 'GCJ02')).toEqual(liyang);
  });

  it('outside China GCJ-02 equals WGS-84', () => {
    expect(wgs84ToGcj02([2.35, 48.85])).toEqual([2.35, 48.85]);
  });

  it('rejects a bad point or an unknown coordinate system, naming the field and rule', () => {
    const bad = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        if (error instanceof ValidationError) return error;
        throw error;
      }
      throw new Error('expected a ValidationError');
    };
    const lon = bad(() => wgs84ToGcj02([200, 31]));
    expect(lon.field).toBe('point.lon');
    expect(lon.rule).toBe('must be a finite longitude within [-180, 180]');
    expect(bad(() => gcj02ToWgs84([119, Number.NaN])).field).toBe('point.lat');
    const crs = bad(() => convertCoordinate(liyang, 'EPSG3857' as CoordinateSystem, 'WGS84'));
    expect(crs.field).toBe('from');
    expect(crs.rule).toBe('must be one of WGS84, CGCS2000, GCJ02, BD09');
    expect(bad(() => convertCoordinate(liyang, 'WGS84', 'bd09' as CoordinateSystem)).field).toBe('to');
  });
});

describe('haversine distance', () => {
  it('one degree along a meridian is R·π/180 metres, and distance is symmetric', () => {
    expect(haversineM([119.48, 31], [119.48, 32])).toBeCloseTo((EARTH_RADIUS_M * Math.PI) / 180, 3);
    expect(haversineM(liyang, [119.49, 31.43])).toBe(haversineM([119.49, 31.43], liyang));
    expect(haversineM(liyang, liyang)).toBe(0);
  });

  it('rejects invalid points', () => {
    expect(() => haversineM([119, 95], liyang)).toThrow('a.lat: must be a finite latitude within [-90, 90]');
  });

  it('the search box spans hold every point within the radius, in every direction', () => {
    fc.assert(
      fc.property(uniform(-89.9, 89.9), uniform(0, 2_000_000), uniform(0, 2 * Math.PI), (lat, radiusM, bearing) => {
        // Destination point at the radius along `bearing` (spherical direct problem).
        const rad = Math.PI / 180;
        const a = radiusM / EARTH_RADIUS_M;
        const phi1 = lat * rad;
        const phi2 = Math.asin(Math.sin(phi1) * Math.cos(a) + Math.cos(phi1) * Math.sin(a) * Math.cos(bearing));
        const dLambda = Math.atan2(
          Math.sin(bearing) * Math.sin(a) * Math.cos(phi1),
          Math.cos(a) - Math.sin(phi1) * Math.sin(phi2),
        );
        expect(Math.abs(phi2 / rad - lat)).toBeLessThanOrEqual(latSpanDeg(radiusM));
        expect(Math.abs(dLambda / rad)).toBeLessThanOrEqual(lonSpanDeg(lat, radiusM));
      }),
      { numRuns: 1000 },
    );
  });
});
