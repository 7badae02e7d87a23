import { z } from 'zod';
import { bounded, epochSeconds, latitude, limits, longitude, nonNegative, text, wholeNumber } from './fields.js';

// The OwnTracks JSON format (https://owntracks.org/booklet/tech/json/). Objects are loose: the apps add elements
// from release to release, and an element we do not read must not cost us the fix.

const regionList = z.array(text(128, 'region name'), { error: 'must be a list of strings' }).max(200, {
  error: 'at most 200 regions',
});

/** `_type: location`, on `owntracks/<user>/<device>`. */
export const owntracksLocation = z.looseObject({
  _type: z.literal('location'),
  lat: latitude,
  lon: longitude,
  tst: epochSeconds('fix time, epoch **seconds** (decoded to ms)'),
  acc: nonNegative('horizontal accuracy, metres').optional(),
  alt: bounded(...limits.altM, 'altitude above sea level, metres').optional(),
  vac: nonNegative('vertical accuracy of `alt`, metres').optional(),
  vel: bounded(...limits.speedKmh, 'velocity, km/h').optional(),
  cog: bounded(...limits.headingDeg, 'course over ground, degrees from north').optional(),
  batt: bounded(...limits.batteryPct, 'battery level, percent').optional(),
  bs: wholeNumber(0, 3, 'battery status: 0 unknown, 1 unplugged, 2 charging, 3 full').optional(),
  conn: text(8, 'connectivity: `w` Wi-Fi, `m` mobile data, `o` offline').optional(),
  t: text(
    8,
    'trigger: `p` ping, `c` region, `b` beacon, `r` reportLocation, `u` user, `t` timer, `v` visits',
  ).optional(),
  tid: text(32, 'tracker id shown on maps (usually 2 characters)').optional(),
  m: wholeNumber(-128, 127, 'monitoring mode: -1 quiet, 0 manual, 1 significant, 2 move (others tolerated)').optional(),
  created_at: epochSeconds('when the message was built (vs `tst`, the fix time), epoch seconds').optional(),
  inregions: regionList.meta({ description: 'regions the device is in now' }).optional(),
  inrids: regionList.meta({ description: 'ids of the regions the device is in now' }).optional(),
  SSID: text(64, 'Wi-Fi network name').optional(),
  BSSID: text(64, 'Wi-Fi access point').optional(),
  p: nonNegative('barometric pressure, kPa').optional(),
  topic: text(256, 'original publish topic (HTTP mode only)').optional(),
});
export type OwntracksLocation = z.output<typeof owntracksLocation>;

/** `_type: lwt`, published by the broker on `owntracks/<user>/<device>` when it loses the app. */
export const owntracksLwt = z.looseObject({
  _type: z.literal('lwt'),
  tst: epochSeconds('when the app **connected** (the will is fixed at connect time), epoch seconds'),
});
export type OwntracksLwt = z.output<typeof owntracksLwt>;

/** `_type: transition`, on `owntracks/<user>/<device>/event` when the phone enters or leaves one of its regions. */
export const owntracksTransition = z.looseObject({
  _type: z.literal('transition'),
  event: z.enum(['enter', 'leave'], { error: 'must be enter or leave' }).meta({ description: 'enter or leave' }),
  tst: epochSeconds('when the transition happened, epoch seconds'),
  wtst: epochSeconds('when the region (waypoint) was created on the phone, epoch seconds'),
  lat: latitude.optional(),
  lon: longitude.optional(),
  acc: nonNegative('accuracy of lat/lon, metres').optional(),
  desc: text(256, 'region name').optional(),
  rid: text(64, 'region id').optional(),
  tid: text(32, 'tracker id').optional(),
  t: text(8, 'trigger: `c` circular region, `b` beacon, `l` location update').optional(),
});
export type OwntracksTransition = z.output<typeof owntracksTransition>;

/** What the base topic carries: a location, or the broker's last will for the app. */
export const owntracksBaseMessage = z.discriminatedUnion('_type', [owntracksLocation, owntracksLwt]);

export const owntracksTypes = ['location', 'lwt', 'transition'] as const;
export type OwntracksType = (typeof owntracksTypes)[number];

export const owntracksSchemas = {
  location: owntracksLocation,
  lwt: owntracksLwt,
  transition: owntracksTransition,
} as const satisfies Record<OwntracksType, z.ZodType>;

/** Number-carrying elements per `_type`: "NaN"/"Infinity" strings there are `non_finite`. */
export const owntracksNumericFields = {
  location: ['lat', 'lon', 'tst', 'acc', 'alt', 'vac', 'vel', 'cog', 'batt', 'bs', 'm', 'created_at', 'p'],
  lwt: ['tst'],
  transition: ['tst', 'wtst', 'lat', 'lon', 'acc'],
} as const satisfies Record<OwntracksType, readonly string[]>;
