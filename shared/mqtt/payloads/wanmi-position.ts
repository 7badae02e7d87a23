import { z } from 'zod';
import { bounded, isoDateTime, latitude, limits, longitude, nonNegative, wholeNumber } from './fields.js';

/**
 * Wanmi vehicle position v1 (DESIGN.md §5), published by vehicle trackers on
 * `wanmi/v1/<district>/vehicles/<vehicleId>/position`. Units: degrees WGS-84, km/h (as OwnTracks `vel` and
 * JT/T 808 terminals, which report speed in 0.1 km/h), degrees from true north, metres. Unknown keys are refused so
 * that a misspelt field (`speedKmh` for `speed`) shows up as a rejection instead of silently missing data.
 */
export const wanmiPositionV1 = z.strictObject(
  {
    ts: z
      .union(
        [
          z.number().int({ error: 'must be an integer' }).meta({ description: 'epoch milliseconds (UTC)' }),
          isoDateTime,
        ],
        {
          error: (issue) =>
            issue.input === undefined ? 'is required' : 'must be epoch milliseconds or an ISO 8601 date-time with zone',
        },
      )
      .meta({ description: 'fix time (定位时间): epoch milliseconds, or ISO 8601 with zone (`Z` or `±hh:mm`)' }),
    lat: latitude,
    lon: longitude,
    speed: bounded(...limits.speedKmh, 'speed over ground (速度), km/h').optional(),
    heading: bounded(...limits.headingDeg, 'course over ground (方向), degrees clockwise from true north').optional(),
    acc: nonNegative('horizontal accuracy (定位精度), metres').optional(),
    alt: bounded(...limits.altM, 'altitude (海拔), metres').optional(),
    sats: wholeNumber(...limits.sats, 'satellites used in the fix (卫星数), GPS + BeiDou').optional(),
    ignition: z
      .boolean({ error: 'must be true or false' })
      .meta({ description: 'ignition / ACC on (点火)' })
      .optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : undefined) },
);
export type WanmiPositionV1 = z.output<typeof wanmiPositionV1>;

/** The fields that carry numbers: strings such as "NaN" there are rejected as `non_finite`, not as `schema`. */
export const wanmiPositionNumericFields = ['ts', 'lat', 'lon', 'speed', 'heading', 'acc', 'alt', 'sats'] as const;
