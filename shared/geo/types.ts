/** A longitude/latitude pair in decimal degrees (GeoJSON axis order: lon first). */
export type LonLat = readonly [lon: number, lat: number];

/** A GeoJSON position: lon, lat and an optional altitude that we ignore. */
export type Position = readonly number[];

/** Polygon rings: the first is the outer ring, the rest are holes; each ring is closed (first = last). */
export type PolygonCoordinates = readonly (readonly Position[])[];

export type GridGeometry =
  | { readonly type: 'Polygon'; readonly coordinates: PolygonCoordinates }
  | { readonly type: 'MultiPolygon'; readonly coordinates: readonly PolygonCoordinates[] };

/**
 * One region to index: a unit grid (15-digit code, DOMAIN.md §5), or any other region such as a community.
 * Coordinates are WGS-84 / CGCS2000 lon/lat.
 */
export interface GridFeature {
  readonly code: string;
  readonly geometry: GridGeometry;
}

/** What the nearest-component index needs from a component; callers may carry any extra fields. */
export interface ComponentPoint {
  readonly category: string;
  readonly lon: number;
  readonly lat: number;
}

/** One component found near a point, with its great-circle distance. */
export interface NearestHit<T extends ComponentPoint> {
  readonly component: T;
  readonly distanceM: number;
}
