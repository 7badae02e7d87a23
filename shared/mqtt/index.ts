// Public API of the MQTT module: the topic map (DESIGN.md §5), its payload schemas, and the device payload decoders.
export * from './decoders/index.js';
export { renderTopicsDoc } from './docs.js';
export * from './payloads/edge-out.js';
export * from './payloads/owntracks.js';
export * from './payloads/wanmi-position.js';
export { createTopicDecoder, type TopicDecodeResult } from './topic-decoder.js';
export * from './topics.js';
