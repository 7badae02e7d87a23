/**
 * The wall clock of a node that seeds its own demo: held at chosen instants while the history is written (so every
 * event, deadline and case number reads as if it happened then), the real time once released.
 */
export class DemoClock {
  #held: number | null = null;

  /** The node's `now`: pass it to buildEdge. */
  readonly now = (): number => this.#held ?? Date.now();

  hold(instant: number): void {
    if (!Number.isSafeInteger(instant)) throw new RangeError(`a held instant must be whole epoch ms, got ${instant}`);
    if (instant > Date.now()) throw new RangeError('the demo history must not run ahead of the real clock');
    this.#held = instant;
  }

  release(): void {
    this.#held = null;
  }
}
