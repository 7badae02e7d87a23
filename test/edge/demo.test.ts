import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../edge/audit/audit-log.js';
import {
  isCreditCode,
  parseComponents,
  parseGrids,
  parseResponsibilities,
  parseStandards,
} from '../../edge/basedata/index.js';
import {
  DEMO_PASSWORD,
  DemoClock,
  type DemoSeedReport,
  dataDirState,
  demoConfig,
  demoSmall,
  generateBaseData,
  openTargets,
  planCases,
  seedDemo,
} from '../../edge/demo/index.js';
import type { EdgeNode } from '../../edge/main.js';
import { buildEdge } from '../../edge/main.js';
import { foldCase } from '../../shared/case/fold.js';
import { standardDirectory } from '../../shared/codes/index.js';

// A fixed past instant, so the history never runs ahead of the real clock; sizes from demoSmall.
const END = Math.min(Date.parse('2026-11-20T10:00:00+08:00'), Date.now());
const small = demoSmall(END);
const DAY = 86_400_000;
const { calendar } = demoConfig('.');

describe('the demo district generator', () => {
  it('is deterministic: the same seed gives the same grids, departments, components and case plans', () => {
    const a = generateBaseData(small);
    const b = generateBaseData(small);
    expect(a.files).toEqual(b.files);
    expect(a.departments.map((d) => [d.id, d.creditCode])).toEqual(b.departments.map((d) => [d.id, d.creditCode]));
    const plans = (seed: number) =>
      planCases(small.cases, { start: END - 90 * DAY, end: END }, seed, 1, calendar).map((p) => [
        p.outcome,
        p.stopAt,
        p.reportAt,
      ]);
    expect(plans(7)).toEqual(plans(7));
    const other = generateBaseData({ ...small, seed: small.seed + 1 });
    expect(other.departments.map((d) => d.creditCode)).not.toEqual(a.departments.map((d) => d.creditCode));
  });

  it('numbers grids inside their community west → east, then north → south, in 15-digit codes', () => {
    const { district } = generateBaseData(small);
    expect(district.grids.length).toBeGreaterThanOrEqual(180);
    for (const community of district.communities) {
      const grids = district.grids.filter((g) => g.communityCode === community.code);
      expect(grids.every((g) => /^\d{15}$/.test(g.code) && g.code.startsWith(community.code))).toBe(true);
      const byPlace = [...grids].sort((x, y) => y.north - x.north || x.west - y.west).map((g) => g.code);
      expect(byPlace).toEqual(grids.map((g) => g.code).sort());
    }
  });

  it('writes files the importers accept without a warning, with real category codes and valid credit codes', () => {
    const base = generateBaseData(small);
    const ctx = { directory: standardDirectory, departmentIds: new Set(base.departments.map((d) => d.id)) };
    expect(parseGrids(base.files.grids).warningCount).toBe(0);
    const components = parseComponents(base.files.components, ctx);
    expect(components.rows).toHaveLength(small.components);
    expect(components.warningCount).toBe(0);
    expect(components.rows.every((c) => standardDirectory.isKnown('component', c.categoryCode))).toBe(true);
    expect(parseResponsibilities(base.files.responsibilities, ctx).warningCount).toBe(0);
    expect(parseStandards(base.files.standards, ctx).warningCount).toBe(0);
    expect(base.departments.length).toBeGreaterThanOrEqual(27);
    expect(base.departments.every((d) => isCreditCode(d.creditCode))).toBe(true);
  });

  it('keeps the full-size defaults at Liyang scale: ~3,800 grids in 8 streets × 5 communities, ~30 departments', () => {
    const base = generateBaseData({ ...small, grids: 3800, streets: 8, communitiesPerStreet: 5, components: 10 });
    expect(base.district.grids.length).toBeGreaterThan(3700);
    expect(base.district.grids.length).toBeLessThan(3900);
    expect(base.district.communities).toHaveLength(40);
    expect(base.departments.length).toBeGreaterThanOrEqual(30);
  });
});

describe('a seeded small demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wanmi-demo-'));
  let node: EdgeNode;
  let report: DemoSeedReport;

  beforeAll(async () => {
    const clock = new DemoClock();
    node = buildEdge(demoConfig(dir), { now: clock.now });
    expect(dataDirState(node.db)).toBe('empty');
    report = await seedDemo(node, clock, small);
  });
  afterAll(() => {
    node?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports its base data through the importers cleanly', () => {
    const imported = Object.values(report.imported);
    expect(imported).toHaveLength(5);
    expect(imported.every((r) => r.warningCount === 0 && r.imported > 0)).toBe(true);
    const base = generateBaseData(small);
    const codes = node.db.$client.prepare('SELECT code FROM grids ORDER BY code').pluck().all();
    expect(codes).toEqual(base.district.grids.map((g) => g.code).sort());
    expect(report.summary).toMatchObject({ components: small.components, departments: base.departments.length });
  });

  it('writes every case through the services: no step refused, and the planned number of cases', () => {
    expect(report.history.failures).toEqual([]);
    const planned = planCases(
      small.cases,
      { start: END - small.days * DAY, end: END },
      small.seed,
      small.openPerStatus,
      calendar,
    );
    expect(report.summary.cases).toBe(planned.length);
  });

  it('stores logs that fold without conflicts into exactly the stored projections', () => {
    const rows = node.db.$client.prepare('SELECT id, state FROM cases').all() as { id: string; state: string }[];
    for (const row of rows) {
      const state = foldCase(node.services.store.loadEvents(row.id), node.config.fold);
      expect(state.conflicts, `case ${row.id}`).toEqual([]);
      expect(JSON.stringify(state)).toBe(row.state);
    }
    expect(verifyAuditChain(node.db)).toMatchObject({ ok: true });
  });

  it('has every outcome: on time, late, rework, return, extension, postponement, void, ledger, overdue', () => {
    const o = report.summary.outcomes;
    for (const [name, count] of Object.entries(o)) expect(count, name).toBeGreaterThan(0);
  });

  it('leaves cases open in every status, besides closed, rejected and voided ones', () => {
    const statuses = Object.keys(report.summary.byStatus);
    expect(statuses).toEqual(expect.arrayContaining([...openTargets, 'closed', 'rejected', 'voided']));
  });

  it('dates the history before its end, and numbers cases by the day they were filed', () => {
    const at = node.db.$client.prepare('SELECT min(at) AS first, max(at) AS last FROM events').get() as {
      first: string;
      last: string;
    };
    expect(Date.parse(at.first)).toBeGreaterThanOrEqual(END - small.days * DAY - DAY);
    expect(Date.parse(at.last)).toBeLessThanOrEqual(END);
    const numbers = node.db.$client
      .prepare('SELECT case_number FROM cases WHERE case_number IS NOT NULL')
      .pluck()
      .all();
    expect(numbers.every((num) => /^320481-2026\d{4}-\d{5}$/.test(String(num)))).toBe(true);
  });

  it('lets the documented demo users log in', async () => {
    const login = await node.services.auth.login('dispatcher', DEMO_PASSWORD, 'test');
    expect(login.principal.role).toBe('dispatcher');
    const handler = report.users.find((u) => u.role === 'handler');
    expect(handler?.departmentId).toBeTruthy();
  });

  it('is marked as a seeded demo and refuses to seed twice', async () => {
    expect(dataDirState(node.db)).toBe('demo');
    await expect(seedDemo(node, new DemoClock(), small)).rejects.toThrow(/not empty/);
  });
});
