import { randomInt } from 'node:crypto';
import type { Page } from 'playwright-core';
import { cases, grids, NO_DEADLINE } from '../../edge/db/schema.js';
import type { GpsFeature } from '../../edge/gps/gps.feature.js';
import { ConsoleBrowser, loginThroughForm, waitUntil } from '../support/browser.js';
import { DEMO_PASSWORD, DEPARTMENT, EdgeHarness } from '../support/edge-harness.js';

/**
 * Console responsiveness in real Chromium with 10,000 open cases and 500 live vehicles: interaction-to-paint
 * (input event → the frame after it was painted) for queue keyboard scrolling, queue filtering and map panning,
 * against the 100 ms goal and against the same measurement on an empty page in the same run (the
 * browser's and machine's own floor).
 */
const GOAL_MS = 100;
const OPEN_CASES = 10_000;
const VEHICLES = 500;
const LATTICE = 30; // 30 × 30 unit grids over the test district

/** In the page: time from each input event to the first callback after the next frame (rAF, then a task). */
export const probe = `(() => {
  if (window.__probe) return;
  window.__probe = true;
  window.__itp = [];
  for (const type of ['keydown', 'input', 'pointermove', 'pointerdown', 'click', 'wheel']) {
    addEventListener(type, (e) => {
      const start = e.timeStamp;
      requestAnimationFrame(() => setTimeout(() => window.__itp.push(performance.now() - start), 0));
    }, { capture: true, passive: true });
  }
  window.__events = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__events.push(e.duration); })
    .observe({ type: 'event', durationThreshold: 16, buffered: true });
})()`;

const round = (n: number) => Math.round(n * 10) / 10;
export function p95(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)] ?? Number.NaN;
}

async function collect(page: Page, act: () => Promise<void>) {
  await page.evaluate('window.__itp = []; window.__events = []');
  await act();
  await page.waitForTimeout(300);
  const itp = (await page.evaluate('window.__itp')) as number[];
  const events = (await page.evaluate('window.__events')) as number[];
  return {
    samples: itp.length,
    p95Ms: round(p95(itp)),
    maxMs: round(Math.max(...itp)),
    eventTimingOver16: events.length,
  };
}

/**
 * The interaction against a no-op input on the same page (a Shift press or a hover that changes nothing), in
 * alternating rounds so both sides see the same machine load: the ratio isolates what the console's own work costs.
 */
export async function paired(
  page: Page,
  rounds: number,
  noop: () => Promise<void>,
  act: (round: number) => Promise<void>,
) {
  const mine: number[] = [];
  const floor: number[] = [];
  const take = async (into: number[], run: () => Promise<void>) => {
    await page.evaluate('window.__itp = []');
    await run();
    await page.waitForTimeout(150);
    into.push(...((await page.evaluate('window.__itp')) as number[]));
  };
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      await take(floor, noop);
      await take(mine, () => act(r));
    } else {
      await take(mine, () => act(r));
      await take(floor, noop);
    }
  }
  return {
    samples: mine.length,
    p95Ms: round(p95(mine)),
    maxMs: round(Math.max(...mine)),
    samePageNoopP95Ms: round(p95(floor)),
    ratioToSamePageNoop: round(p95(mine) / Math.max(1, p95(floor))),
  };
}

export function seed(h: EdgeHarness): { grids: number; cases: number } {
  const db = h.node.db;
  const [x0, y0, x1, y1] = [119.47, 31.41, 119.5, 31.43];
  const dx = (x1 - x0) / LATTICE;
  const dy = (y1 - y0) / LATTICE;
  const codes: string[] = [];
  db.$client.transaction(() => {
    for (let i = 0; i < LATTICE; i++) {
      for (let j = 0; j < LATTICE; j++) {
        const code = `320481002${String(100 + i).slice(-3)}${String(j + 1).padStart(3, '0')}`;
        const [a, b] = [x0 + j * dx, y0 + i * dy];
        const ring = [
          [a, b],
          [a + dx, b],
          [a + dx, b + dy],
          [a, b + dy],
          [a, b],
        ];
        db.insert(grids)
          .values({
            code,
            streetCode: '320481002',
            communityCode: code.slice(0, 12),
            geometry: JSON.stringify({ type: 'Polygon', coordinates: [ring] }),
            minLon: a,
            minLat: b,
            maxLon: a + dx,
            maxLat: b + dy,
          })
          .run();
        codes.push(code);
      }
    }
  })();
  // One real folded case is the template; its clones get new ids, places, grids and deadlines around now.
  const template = db.select().from(cases).all()[0];
  if (!template) throw new Error('no template case');
  const insert = db.$client.prepare(
    `INSERT INTO cases (id, case_number, district, status, category, source, category_kind, category_code, grid_code, department_id, lon, lat, description, reported_at, updated_at, active_step, deadline, active_clock, warn_at, due, queue, urged, conflicts, provisional_pending, pending_approvals, event_count, state)
     VALUES (@id, @caseNumber, @district, @status, @category, @source, @categoryKind, @categoryCode, @gridCode, @departmentId, @lon, @lat, @description, @reportedAt, @updatedAt, @activeStep, @deadline, @activeClock, @warnAt, @due, @queue, 0, 0, 0, @pendingApprovals, @eventCount, @state)`,
  );
  db.$client.transaction(() => {
    for (let i = 0; i < OPEN_CASES; i++) {
      const id = `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`;
      const deadline = h.clock + randomInt(-2 * 86_400_000, 5 * 86_400_000);
      const gi = randomInt(0, LATTICE);
      const gj = randomInt(0, LATTICE);
      insert.run({
        ...template,
        id,
        caseNumber: `320481-20260302-${String(i + 100).padStart(6, '0')}`,
        gridCode: codes[gi * LATTICE + gj],
        lon: x0 + (gj + Math.random()) * dx,
        lat: y0 + (gi + Math.random()) * dy,
        description: `占道经营 ${i}`,
        deadline,
        warnAt: deadline - 3_600_000,
        due: deadline ?? NO_DEADLINE,
        pendingApprovals: i % 50 === 0 ? 1 : 0,
        state: template.state.replaceAll(template.id, id),
      });
    }
  })();
  return { grids: codes.length, cases: OPEN_CASES };
}

/** 500 vehicles moving every second through the GPS feature's live hub (what its MQTT pipeline feeds). */
export function driveVehicles(h: EdgeHarness): () => void {
  const gps = h.node.features.find((f) => f.name === 'gps') as GpsFeature | undefined;
  if (!gps) throw new Error('gps feature is not on');
  const pos = Array.from({ length: VEHICLES }, () => [119.47 + Math.random() * 0.03, 31.41 + Math.random() * 0.02]);
  const tick = () => {
    const now = h.clock;
    for (const [i, p] of pos.entries()) {
      p[0] = (p[0] ?? 119.48) + (Math.random() - 0.5) * 0.0004;
      p[1] = (p[1] ?? 31.42) + (Math.random() - 0.5) * 0.0004;
      gps.service.live.update({
        deviceId: 100_000 + i,
        deviceKey: `veh-${i}`,
        kind: 'vehicle',
        name: `苏D${String(i).padStart(5, '0')}`,
        group: 'sanitation',
        ts: now,
        lon: p[0] ?? 0,
        lat: p[1] ?? 0,
        speedKmh: 20,
        moving: true,
        receivedAt: now,
      });
    }
  };
  tick();
  const timer = setInterval(tick, 1000);
  return () => clearInterval(timer);
}

export async function run(): Promise<Record<string, unknown>> {
  // The appliance logs JSON lines to stdout; the bench's stdout is the one JSON report, so they go to stderr.
  const log = console.log;
  console.log = (...args: unknown[]) => console.error(...args);
  const h = new EdgeHarness();
  await h.start({ gps: { enabled: true, embedded: { enabled: true }, live: { throttleMs: 500 } } });
  let stopVehicles = () => {};
  let b: ConsoleBrowser | undefined;
  try {
    const collector = await h.as('collector');
    await collector.json('POST', '/api/v1/reports', {
      category: { kind: 'matter', code: '06001' },
      location: { lon: 119.48, lat: 31.42 },
      description: 'template',
    });
    await h.as('operator');
    const seeded = seed(h);
    stopVehicles = driveVehicles(h);
    void DEPARTMENT;

    // A control-room desktop: 1920 × 1080 at device pixel ratio 1 (the map canvas is then about 1420 × 1000).
    b = await ConsoleBrowser.launch(h.base, { viewport: { width: 1920, height: 1080 } });
    const page = await b.newPage();

    // Baseline: the same probe on an empty page with one button and one text box.
    await page.setContent('<button id="b">x</button><input id="i">');
    await page.evaluate(probe);
    const baseline = await collect(page, async () => {
      for (let i = 0; i < 20; i++) await page.click('#b');
      await page.focus('#i');
      for (let i = 0; i < 20; i++) await page.keyboard.press('a');
      for (let i = 0; i < 20; i++) await page.mouse.move(10 + i * 5, 50);
    });

    await loginThroughForm(page, h.base, 'operator1', DEMO_PASSWORD);
    await page.evaluate(probe);
    await page.goto(`${h.base}/queues/all`);
    await page.evaluate(probe);
    await page.locator('table.cases tbody tr').nth(99).waitFor({ timeout: 30_000 });
    await page.waitForTimeout(500);

    await page.locator('table.cases tbody tr').first().focus();
    const shift = async () => {
      for (let i = 0; i < 10; i++) await page.keyboard.press('Shift');
    };
    const queueKeyboard = await paired(page, 8, shift, async (r) => {
      for (let i = 0; i < 10; i++) await page.keyboard.press(r % 4 < 2 ? 'ArrowDown' : 'ArrowUp');
    });
    await page.locator('[data-testid=queue-filter]').focus();
    const queueFilter = await paired(page, 6, shift, async (r) => {
      if (r % 2 === 0) for (const ch of '占道经营 12') await page.keyboard.type(ch);
      else for (let i = 0; i < 7; i++) await page.keyboard.press('Backspace');
    });
    // A page turn fetches the next 100 of 10,000 from the appliance: time from click until the new rows are painted.
    const pageTurns: number[] = [];
    for (let i = 0; i < 8; i++) {
      // In the page: the first paint after the table's first row changed, timed from the click event's timeStamp
      // (as every other figure here; timing from before Playwright's click added its actionability checks and CDP
      // round trips to the figure).
      await page.evaluate(`(() => {
        const body = document.querySelector('table.cases tbody');
        const before = body.firstElementChild.getAttribute('data-case');
        window.__t0 = undefined;
        document.addEventListener('click', (e) => { window.__t0 = e.timeStamp; }, { capture: true, once: true });
        window.__turn = new Promise((resolve) => {
          const seen = new MutationObserver(() => {
            if (body.firstElementChild?.getAttribute('data-case') === before) return;
            seen.disconnect();
            requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0));
          });
          seen.observe(body, { childList: true, subtree: true, attributes: true });
        });
      })()`);
      await page
        .locator('.pager button')
        .nth(i < 6 ? 1 : 0)
        .click();
      const turn = (await page.evaluate('window.__turn.then((end) => end - window.__t0)')) as number;
      if (!Number.isFinite(turn)) throw new Error('bench: the page turn was not timed (no click event seen)');
      pageTurns.push(turn);
    }

    await page.locator('nav.side a[href="/map"]').click();
    await page.evaluate(probe);
    await page.locator('.map[data-ready="1"]').waitFor({ timeout: 60_000 });
    await waitUntil(page, `window.__wanmiMap.querySourceFeatures('cases').length > 0`, 30_000);
    await page.waitForTimeout(2000);
    const box = await page.locator('.map').boundingBox();
    if (!box) throw new Error('no map on screen');
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const hover = async () => {
      for (let i = 0; i < 20; i++) await page.mouse.move(box.x + 10 + i, box.y + 10);
    };
    const mapPan = await paired(page, 6, hover, async (r) => {
      await page.mouse.move(cx, cy);
      await page.mouse.down();
      for (let i = 1; i <= 20; i++) await page.mouse.move(cx + i * 12 * (r % 2 ? -1 : 1), cy + i * 4);
      await page.mouse.up();
    });
    const vehiclesOnMap = (await page.evaluate(
      `new Set(window.__wanmiMap.querySourceFeatures('vehicles').map((f) => f.properties.id)).size`,
    )) as number;
    // The same drag with every data layer hidden: what software WebGL (no GPU here) costs on its own.
    await page.evaluate(`(() => {
      const m = window.__wanmiMap;
      for (const l of m.getStyle().layers) if (l.id !== 'background') m.setLayoutProperty(l.id, 'visibility', 'none');
    })()`);
    await page.waitForTimeout(500);
    const mapPanNoData = await collect(page, async () => {
      for (let round = 0; round < 3; round++) {
        await page.mouse.move(cx, cy);
        await page.mouse.down();
        for (let i = 1; i <= 20; i++) await page.mouse.move(cx + i * 12 * (round % 2 ? -1 : 1), cy + i * 4);
        await page.mouse.up();
      }
    });
    b.assertNoExternalRequests();

    const figure = (m: { p95Ms: number }) => ({
      ...m,
      ratioToGoal: round(m.p95Ms / GOAL_MS) / 1,
      ratioToBaseline: round(m.p95Ms / Math.max(1, baseline.p95Ms)),
    });
    return {
      goalMs: GOAL_MS,
      seeded: { ...seeded, vehicles: VEHICLES, vehiclesOnMap },
      method:
        'interaction-to-paint = input event timeStamp → first task after the next animation frame (rAF + setTimeout), p95 over each interaction set; ratioToBaseline against an empty page measured first; ratioToSamePageNoop against no-op inputs (Shift, hover) on the same page in alternating rounds (robust to machine load); eventTimingOver16 = Event Timing entries ≥ 16 ms',
      baseline,
      queueKeyboardScroll: figure(queueKeyboard),
      queueFilter: figure(queueFilter),
      mapPan: { ...figure(mapPan), ratioToEmptyMap: round(mapPan.p95Ms / Math.max(1, mapPanNoData.p95Ms)) },
      mapPanNoDataLayers: figure(mapPanNoData),
      queuePageTurn: {
        note: 'click event → next 100 rows of 10,000 fetched and painted (includes the HTTP round trip)',
        p95Ms: round(p95(pageTurns)),
        ratioToGoal: round(p95(pageTurns) / GOAL_MS),
        samplesMs: pageTurns.map(round),
      },
    };
  } finally {
    console.log = log;
    stopVehicles();
    await b?.close();
    await h.stop();
  }
}
