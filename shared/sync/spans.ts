/**
 * Optional timing spans of sync work (where a catch-up spends its time: test/bench/sync.bench.ts reports them). Off —
 * one undefined check per span — unless a hook is installed. Process-wide, for measurement only.
 */
let hook: ((name: string, ms: number) => void) | undefined;

export function setSyncSpanHook(next: ((name: string, ms: number) => void) | undefined): void {
  hook = next;
}

/** Records `ms` under `name` when a hook is installed. */
export function syncSpan(name: string, ms: number): void {
  hook?.(name, ms);
}
