export type GateDecision = 'send' | 'skip' | 'drop';

export interface GateConfig {
  /** Over this many bytes waiting in the viewer's socket, media is skipped, not queued. */
  maxBufferedBytes: number;
  /** Lagging continuously for longer than this ends the viewer. */
  lagDropMs: number;
  /** Resume only at a keyframe (MSE: a decoder cannot start mid-GOP); JSMpeg resumes anywhere. */
  keyframes: boolean;
}

/**
 * Backpressure for one live viewer, decided per media chunk from the socket's `bufferedAmount`: send while the
 * socket drains, skip while it is full (then resume at the next keyframe), drop after a sustained lag. Nothing is
 * queued here, so a slow viewer costs at most `maxBufferedBytes` plus one chunk.
 */
export class ViewerGate {
  private needKeyframe: boolean;
  private lagSince: number | null = null;
  private dropped = false;

  constructor(private readonly config: GateConfig) {
    this.needKeyframe = config.keyframes;
  }

  decide(bufferedAmount: number, keyframe: boolean, now: number): GateDecision {
    if (this.dropped) return 'drop';
    if (bufferedAmount > this.config.maxBufferedBytes) {
      this.lagSince ??= now;
      this.needKeyframe = this.config.keyframes;
      if (now - this.lagSince > this.config.lagDropMs) {
        this.dropped = true;
        return 'drop';
      }
      return 'skip';
    }
    this.lagSince = null;
    if (this.needKeyframe && !keyframe) return 'skip';
    this.needKeyframe = false;
    return 'send';
  }

  /** The next chunk sent must be a keyframe (a new viewer, after a skip, after a new init segment). */
  get waitingForKeyframe(): boolean {
    return this.needKeyframe;
  }

  /** A new init segment (ffmpeg restarted): the decoder needs a keyframe again. */
  reset(): void {
    this.needKeyframe = this.config.keyframes;
  }
}
