import { consoleFeature } from './console/console.feature.js';
import type { FeatureFactory } from './feature.js';
import { gpsFeature } from './gps/gps.feature.js';
import { syncFeature } from './sync/sync.wiring.js';
import { videoFeature } from './video/video.feature.js';

/**
 * The optional features of the edge `api` process, in start order. Each factory reads its own config section and
 * returns null when it is switched off. The console comes last: its catch-all serves the single-page app.
 */
export const edgeFeatures: readonly FeatureFactory[] = [syncFeature, gpsFeature, videoFeature, consoleFeature];
