import type { CandidateSink } from '../intake/candidates.js';
import type { CameraRegistry } from './camera-registry.js';
import type { CameraEvent } from './onvif/pullpoint.js';
import { normaliseTopic } from './onvif/pullpoint.js';
import type { EventRule } from './video.config.js';

// One definition of the candidate sink, in intake (re-exported for this feature's callers).
export type { CandidateSink } from '../intake/candidates.js';

/** The first rule whose topic (exact, or `prefix/*`) and optional data item match the event. */
export function matchRule(rules: readonly EventRule[], event: CameraEvent): EventRule | undefined {
  const topic = normaliseTopic(event.topic).toLowerCase();
  return rules.find((r) => {
    const want = normaliseTopic(r.topic).toLowerCase();
    const topicOk = r.topic.endsWith('/*') ? topic.startsWith(`${want.replace(/\/\*$/, '')}/`) : topic === want;
    if (!topicOk) return false;
    if (!r.when) return true;
    return (event.data[r.when.item] ?? event.source[r.when.item])?.toLowerCase() === r.when.value.toLowerCase();
  });
}

/**
 * Turns camera analytics events into intake candidates (never cases): one per camera and rule within the rule's
 * cooldown (checked here first, so repeats cost no snapshot; intake checks again with the same key), with a
 * snapshot when one can be had — the candidate is raised without a photo rather than lost.
 */
export class CameraEventHandler {
  private readonly lastRaised = new Map<string, number>();

  constructor(
    private readonly deps: {
      rules: readonly EventRule[];
      registry: CameraRegistry;
      sink: CandidateSink;
      snapshot: (cameraId: string) => Promise<Buffer | undefined>;
      now: () => number;
      log: (level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown>) => void;
    },
  ) {}

  async handle(cameraId: string, events: readonly CameraEvent[]): Promise<void> {
    const camera = this.deps.registry.get(cameraId);
    if (!camera) return;
    for (const event of events) {
      const now = this.deps.now();
      camera.health.events.received += 1;
      camera.health.lastEventAt = now;
      const rule = matchRule(this.deps.rules, event);
      if (!rule) continue;
      camera.health.events.matched += 1;
      const dedupeKey = `camera:${cameraId}:${rule.rule}`;
      const cooldownMs = rule.cooldownS * 1000;
      const last = this.lastRaised.get(dedupeKey);
      if (last !== undefined && now - last < cooldownMs) {
        camera.health.events.suppressed += 1;
        continue;
      }
      this.lastRaised.set(dedupeKey, now);
      const photo = await this.deps.snapshot(cameraId);
      try {
        const result = await this.deps.sink.raise({
          source: 'camera',
          sourceId: cameraId,
          rule: rule.rule,
          dedupeKey,
          cooldownMs,
          observedAt: now,
          ...(rule.category ? { category: rule.category } : {}),
          description: `${camera.def.name}: ${rule.description}`,
          ...(camera.def.position ? { position: camera.def.position } : {}),
          ...(photo ? { photo } : {}),
        });
        if (result.created) camera.health.events.candidates += 1;
        else camera.health.events.suppressed += 1;
        this.deps.log('info', 'camera event raised a candidate', {
          camera: cameraId,
          rule: rule.rule,
          topic: event.topic,
          candidate: result.id,
          created: result.created,
          photo: photo !== undefined,
        });
      } catch (err) {
        this.deps.registry.error(cameraId, 'candidate', err instanceof Error ? err.message : String(err), {
          rule: rule.rule,
        });
      }
    }
  }
}
