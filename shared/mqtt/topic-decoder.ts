import { owntracksDecoder } from './decoders/owntracks.js';
import type { DecodeOptions, DecodeResult } from './decoders/types.js';
import { wanmiPositionDecoder } from './decoders/wanmi-position.js';
import { matchTopic, type TopicMatch } from './topics.js';

export interface TopicDecodeResult {
  readonly match: TopicMatch;
  readonly result: DecodeResult;
}

/**
 * Routes a received message to the decoder of its topic (the `decoder` of the topic map). Undefined when the topic
 * is not a device topic of the map, which the ingest counts and drops. Never throws.
 */
export function createTopicDecoder(
  options?: DecodeOptions,
): (
  topic: string,
  payload: Uint8Array | string,
  receivedAt: number,
  byteLength?: number,
) => TopicDecodeResult | undefined {
  const wanmiPosition = wanmiPositionDecoder(options);
  const owntracks = owntracksDecoder(options);
  // Devices publish on the same topic all day: remember matches (never misses, which a hostile client could vary),
  // and start afresh past 50,000 topics.
  const cache = new Map<string, TopicMatch>();
  return (topic, payload, receivedAt, byteLength) => {
    let match = cache.get(topic);
    if (match === undefined) {
      match = matchTopic(topic);
      if (match !== undefined) {
        if (cache.size >= 50_000) cache.clear();
        cache.set(topic, match);
      }
    }
    switch (match?.name) {
      case 'vehiclePosition':
        return { match, result: wanmiPosition(match.params, payload, receivedAt, byteLength) };
      case 'owntracksLocation':
      case 'owntracksEvent':
        return { match, result: owntracks(match.params, payload, receivedAt, byteLength) };
      default:
        return undefined;
    }
  };
}
