import type { FeatureFactory } from '../feature.js';

/** Serves the built console (single-page app) when it exists. */
export const consoleFeature: FeatureFactory = () => null;
