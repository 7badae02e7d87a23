import type { VideoConfig } from '../video.config.js';
import type { CameraEvent, PullPointClient, SubscriptionTimes } from './pullpoint.js';
import { OnvifError } from './soap.js';

export interface PullerHooks {
  events(events: CameraEvent[]): void | Promise<void>;
  /** A request failed (counted in health); the loop carries on. */
  error(err: OnvifError): void;
  /** A well-formed answer arrived. */
  contact(): void;
  /** Handling failed, or events were thrown away because too many batches were still waiting (a stuck handler). */
  handlingFailed?(message: string): void;
  subscription(s: {
    active: boolean;
    expiresAt: number | null;
    created?: true;
    renewed?: true;
    clockJump?: true;
  }): void;
}

/** Event batches waiting for the handler before new ones are dropped (and counted). */
const MAX_QUEUED_BATCHES = 32;

interface Subscription {
  address: string;
  /** Our clock. */
  expiresAt: number;
  grantedMs: number;
  /** Camera clock minus ours when the answer came. */
  offsetMs: number | null;
}

/**
 * Keeps one PullPoint subscription alive for a camera: create, long-poll, renew before expiry (at the configured
 * remaining share of what the camera granted, in the camera's own time base), re-create after a fault (the camera
 * rebooted and forgot us) or a jump of its clock, with exponential backoff and jitter while it keeps failing.
 */
export class EventPuller {
  private sub: Subscription | null = null;
  private readonly abort = new AbortController();
  private running: Promise<void> | null = null;
  private backoffMs: number;
  private wake: (() => void) | null = null;
  /** Event batches are handled one after another, off the subscription loop (see `dispatch`). */
  private handling: Promise<void> = Promise.resolve();
  private queuedBatches = 0;

  constructor(
    private readonly deps: {
      eventsUrl: string;
      client: (signal: AbortSignal) => PullPointClient;
      config: VideoConfig['onvif'];
      hooks: PullerHooks;
      now: () => number;
    },
  ) {
    this.backoffMs = deps.config.backoff.initialMs;
  }

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.wake?.();
    await this.running;
    this.running = null;
    await this.handling;
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async loop(): Promise<void> {
    const client = this.deps.client(this.abort.signal);
    const c = this.deps.config;
    while (!this.stopped) {
      try {
        if (!this.sub) {
          const created = await client.create(this.deps.eventsUrl, c.terminationS);
          this.sub = this.track(created.address, created.times, null, true);
          this.deps.hooks.subscription({ active: true, expiresAt: this.sub.expiresAt, created: true });
        } else if (this.sub.expiresAt - this.deps.now() <= this.renewMarginMs(this.sub)) {
          const times = await client.renew(this.sub.address, c.terminationS);
          this.sub = this.track(this.sub.address, times, this.sub, true);
          this.deps.hooks.subscription({ active: true, expiresAt: this.sub.expiresAt, renewed: true });
        }
        this.deps.hooks.contact();
        const sub = this.sub;
        // Never long-poll past the renewal point.
        const untilRenew = sub.expiresAt - this.renewMarginMs(sub) - this.deps.now();
        const timeoutS = Math.max(1, Math.min(c.pullTimeoutS, Math.floor(untilRenew / 1000)));
        const pulled = await client.pull(sub.address, timeoutS, c.messageLimit);
        if (this.stopped) return;
        this.deps.hooks.contact();
        const next = this.track(sub.address, pulled.times, sub, false);
        this.backoffMs = c.backoff.initialMs;
        if (this.sub === sub) this.sub = next;
        if (pulled.events.length) this.dispatch(pulled.events);
      } catch (err) {
        if (this.stopped) return;
        const e =
          err instanceof OnvifError
            ? err
            : new OnvifError('malformed', err instanceof Error ? err.message : String(err));
        this.deps.hooks.error(e);
        const hadSubscription = this.sub !== null;
        this.sub = null;
        this.deps.hooks.subscription({ active: false, expiresAt: null });
        // A fault on a live subscription is a camera that forgot it (reboot): re-create at once, once.
        if (hadSubscription && e.kind === 'fault') continue;
        await this.sleep(this.backoffMs * (0.75 + Math.random() * 0.5));
        this.backoffMs = Math.min(c.backoff.maxMs, this.backoffMs * 2);
      }
    }
  }

  /**
   * Hands a batch to the event handler without waiting for it: handling (snapshot, frame grab, candidate with photo)
   * can take longer than the time left before renewal, and a loop waiting on it let subscriptions expire and lost
   * the events of the expired one. Batches keep their order; at most `MAX_QUEUED_BATCHES` wait.
   */
  private dispatch(events: CameraEvent[]): void {
    if (this.queuedBatches >= MAX_QUEUED_BATCHES) {
      this.deps.hooks.handlingFailed?.(
        `${events.length} event(s) dropped: ${MAX_QUEUED_BATCHES} batches still waiting`,
      );
      return;
    }
    this.queuedBatches += 1;
    this.handling = this.handling
      .then(() => this.deps.hooks.events(events))
      .catch((err: unknown) => {
        this.deps.hooks.handlingFailed?.(`event handling failed: ${err instanceof Error ? err.message : String(err)}`);
      })
      .finally(() => {
        this.queuedBatches -= 1;
      });
  }

  /** Renew with this much left: a share of the grant, at least 1.5 s (camera times have whole seconds). */
  private renewMarginMs(sub: Subscription): number {
    return Math.max(1500, sub.grantedMs * this.deps.config.renewAtRemaining);
  }

  /**
   * Converts the camera's times to our clock; a moved camera clock forces a fresh subscription. `grant` answers
   * (create, renew) set the granted length; pull answers only move the expiry (some cameras echo "now" there).
   */
  private track(
    address: string,
    times: SubscriptionTimes | undefined,
    prev: Subscription | null,
    grant: boolean,
  ): Subscription {
    const now = this.deps.now();
    const fallbackMs = prev?.grantedMs ?? this.deps.config.terminationS * 1000;
    if (!times)
      return {
        address,
        expiresAt: grant || !prev ? now + fallbackMs : prev.expiresAt,
        grantedMs: fallbackMs,
        offsetMs: prev?.offsetMs ?? null,
      };
    const offsetMs = times.currentTime - now;
    if (prev?.offsetMs != null && Math.abs(offsetMs - prev.offsetMs) > this.deps.config.clockJumpS * 1000) {
      this.deps.hooks.subscription({ active: false, expiresAt: null, clockJump: true });
      throw new OnvifError('fault', `camera clock jumped by ${Math.round((offsetMs - prev.offsetMs) / 1000)} s`);
    }
    const remaining = times.terminationTime - times.currentTime;
    if (grant || !prev)
      return { address, expiresAt: now + Math.max(0, remaining), grantedMs: Math.max(1000, remaining), offsetMs };
    return {
      address,
      expiresAt: remaining > 0 ? now + remaining : prev.expiresAt,
      grantedMs: prev.grantedMs,
      offsetMs,
    };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wake = null;
        resolve();
      }
      this.wake = done;
    });
  }
}
