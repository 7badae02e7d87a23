export { ComponentIndex } from './component-index.js';
export {
  bd09ToWgs84,
  type CoordinateSystem,
  convertCoordinate,
  coordinateSystems,
  gcj02ToWgs84,
  wgs84ToBd09,
  wgs84ToGcj02,
} from './crs.js';
export { EARTH_RADIUS_M, haversineM } from './distance.js';
export { GridIndex } from './grid-index.js';
export type {
  ComponentPoint,
  GridFeature,
  GridGeometry,
  LonLat,
  NearestHit,
  PolygonCoordinates,
  Position,
} from './types.js';
