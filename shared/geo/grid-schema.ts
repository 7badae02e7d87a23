import { z } from 'zod';
import { rules } from './check.js';

// Each check carries its rule text as the message, so parseOrThrow reports `features[12].geometry...: <rule>`.
const lon = z.number({ error: rules.lon }).min(-180, { error: rules.lon }).max(180, { error: rules.lon });
const lat = z.number({ error: rules.lat }).min(-90, { error: rules.lat }).max(90, { error: rules.lat });

/** A WGS-84 `[lon, lat]` (optionally `[lon, lat, alt]`) position; reused by the geofence definitions. */
export const positionSchema = z.tuple([lon, lat], z.number({ error: 'altitude must be a finite number' }), {
  error: 'must be a [lon, lat] position',
});

function isClosed(ring: readonly (readonly number[])[]): boolean {
  const first = ring[0];
  const last = ring[ring.length - 1];
  return first !== undefined && last !== undefined && first[0] === last[0] && first[1] === last[1];
}

const ring = z
  .array(positionSchema, { error: 'must be an array of positions' })
  .min(4, { error: 'ring must have at least 4 positions' })
  .refine(isClosed, { error: 'ring must be closed (last position equals the first)' });

/** A GeoJSON polygon: closed rings of ≥ 4 positions, the first one outer. */
export const polygonSchema = z
  .array(ring, { error: 'must be an array of rings' })
  .min(1, { error: 'polygon must have an outer ring' });

const geometry = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('Polygon'), coordinates: polygonSchema }),
    z.object({
      type: z.literal('MultiPolygon'),
      coordinates: z.array(polygonSchema, { error: 'must be an array of polygons' }).min(1, {
        error: 'multipolygon must have at least one polygon',
      }),
    }),
  ],
  { error: "type must be 'Polygon' or 'MultiPolygon'" },
);

/** Grid features as accepted by GridIndex.build; holes are not checked to lie inside their outer ring. */
export const gridFeaturesSchema = z.array(
  z.object({
    code: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }),
    geometry,
  }),
  { error: 'must be an array of features' },
);

export type ParsedGridFeature = z.output<typeof gridFeaturesSchema>[number];
