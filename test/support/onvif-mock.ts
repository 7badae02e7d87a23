/** The in-repo ONVIF device mock; it lives in edge/video because `npm start` uses it for the demo cameras. */
export type { MockMode, OnvifMockOptions, SnapshotMode } from '../../edge/video/onvif-mock.js';
export { OnvifMock } from '../../edge/video/onvif-mock.js';
