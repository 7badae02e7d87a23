/** Bench for the console area (filled in by its issue); see test/bench/run.ts for the JSON contract. */
export async function run(): Promise<Record<string, unknown>> {
  return { status: 'not yet measured' };
}
