import os from 'node:os';

/** A bench module: `run` measures one area and returns a JSON-ready summary. */
interface BenchModule {
  run(): Promise<Record<string, unknown>>;
}

// Add new bench modules here; they run in this order. `npm run bench -- geo` runs only the named ones. Modules load
// lazily, so one area's bench (and what it imports) cannot stop another's from running.
const benches: readonly (readonly [name: string, load: () => Promise<BenchModule>])[] = [
  ['geo', () => import('./geo.bench.js')],
  ['edge', () => import('./edge.bench.js')],
  ['gps', () => import('./gps.bench.js')],
  ['sync', () => import('./sync.bench.js')],
  ['video', () => import('./video.bench.js')],
  ['console', () => import('./console.bench.js')],
];

function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    cpus: os.availableParallelism(),
    cpuModel: cpus[0]?.model ?? 'unknown',
    totalMemMiB: Math.round(os.totalmem() / 2 ** 20),
    loadAvg1m: os.loadavg()[0],
  };
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const unknown = only.filter((name) => !benches.some(([known]) => known === name));
  if (unknown.length > 0) throw new Error(`unknown bench ${unknown.join(', ')}; known: ${benches.map(([n]) => n)}`);
  const startedAt = new Date().toISOString();
  const results: Record<string, unknown> = {};
  for (const [name, module] of benches) {
    if (only.length > 0 && !only.includes(name)) continue;
    process.stderr.write(`bench ${name}: running\n`);
    const start = performance.now();
    try {
      results[name] = await (await module()).run();
    } catch (error) {
      // Keep the other benches' figures, but make the failure visible in the JSON and in the exit code.
      process.stderr.write(`bench ${name}: failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      results[name] = { error: error instanceof Error ? error.message : String(error) };
      process.exitCode = 1;
    }
    process.stderr.write(`bench ${name}: done in ${((performance.now() - start) / 1000).toFixed(1)} s\n`);
  }
  const report = { machine: machine(), startedAt, finishedAt: new Date().toISOString(), results };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

await main();
