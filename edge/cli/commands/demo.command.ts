import { DemoClock } from '../../demo/clock.js';
import { dataDirState, demoDefaults, demoSmall, seedDemo } from '../../demo/seed.js';
import { buildEdge } from '../../main.js';
import { CommandFailed, oneOf, parse, UsageError, wholeNumber } from '../args.js';
import { dataDirOptions, resolveConfig } from '../config.js';
import type { Io } from '../io.js';
import { demoLoginLines } from '../logins.js';
import { seedReportLines } from '../seed-report.js';

export const demoUsage = 'wanmi demo seed [--size full|small] [--seed <n>] [--config <cfg.json> | --data-dir <dir>]';

/** `demo seed`: the demo district into an empty data dir (what `npm start` does on first start). */
export async function demoCommand(args: readonly string[], io: Io): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== 'seed')
    throw new UsageError(sub ? `unknown demo subcommand "${sub}" (seed)` : 'missing demo subcommand (seed)');
  const { values } = parse(
    rest,
    { ...dataDirOptions, size: { type: 'string', default: 'full' }, seed: { type: 'string' } },
    [],
  );
  const size = oneOf(values.size, '--size', ['full', 'small'] as const);
  const seed = wholeNumber(values.seed, 'seed', 0, 0xffff_ffff);
  const config = resolveConfig(values, io.env);
  const clock = new DemoClock();
  const node = buildEdge(config, { now: clock.now });
  try {
    const state = dataDirState(node.db);
    if (state !== 'empty')
      throw new CommandFailed(
        `${config.dataDir} already holds ${state === 'demo' ? 'the demo' : state === 'seeding' ? 'an interrupted demo seed' : 'data'}: seed an empty data dir`,
      );
    const endAt = Date.now();
    const opts = {
      ...(size === 'small' ? demoSmall(endAt) : demoDefaults(endAt)),
      ...(seed === undefined ? {} : { seed }),
    };
    const report = await seedDemo(node, clock, opts, (m) => io.err(m));
    for (const line of seedReportLines(report)) io.out(line);
    if (report.history.failures.length > 0) {
      throw new CommandFailed(
        `${report.history.failures.length} demo steps were refused; first: ${JSON.stringify(report.history.failures[0])}`,
      );
    }
    for (const line of demoLoginLines(node.db)) io.out(line);
  } finally {
    node.close();
  }
}
