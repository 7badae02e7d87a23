import type { FeatureFactory } from '../feature.js';

/** Wires the sync client into the edge process when a city link is configured. */
export const syncFeature: FeatureFactory = (ctx) => {
  if (!ctx.config.sync.enabled) return null;
  return { name: 'sync' };
};
