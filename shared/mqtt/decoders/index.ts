export { scanWanmiPosition } from './flat-position.js';
export * from './owntracks.js';
export {
  type Decoded,
  type DecodeFailureReason,
  type DecodeOptions,
  type DecodeResult,
  type Decoder,
  type DeviceEvent,
  type DeviceOffline,
  decodeFailureMeaning,
  decodeFailureReasons,
  decodeOptionsSchema,
  owntracksDeviceKey,
  type PositionFix,
  type RegionTransition,
  type ResolvedDecodeOptions,
  resolveDecodeOptions,
  vehicleDeviceKey,
} from './types.js';
export * from './wanmi-position.js';
