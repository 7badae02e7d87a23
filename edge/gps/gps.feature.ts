import type { FeatureFactory } from '../feature.js';

/** The gps feature; off until configured. */
export const gpsFeature: FeatureFactory = (ctx) => {
  if (!ctx.config.gps.enabled) return null;
  return { name: 'gps' };
};
