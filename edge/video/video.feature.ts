import type { FeatureFactory } from '../feature.js';

/** The video feature; off until configured. */
export const videoFeature: FeatureFactory = (ctx) => {
  if (!ctx.config.video.enabled) return null;
  return { name: 'video' };
};
