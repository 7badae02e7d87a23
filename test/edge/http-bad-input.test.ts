import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgeHarness, photoForm, type Session } from '../support/edge-harness.js';
import { pngBomb } from '../support/hostile-images.js';

const goodReport = (n: number) => ({
  clientReportId: `bad-${n}`,
  category: { kind: 'matter', code: '06001' },
  location: { lon: 119.48, lat: 31.42 },
  description: '测试',
});

/** Counts of everything a rejected request might have half-written. */
function footprint(h: EdgeHarness) {
  const q = (sql: string) => (h.node.db.$client.prepare(sql).get() as { n: number }).n;
  return {
    events: q('SELECT count(*) n FROM events'),
    cases: q('SELECT count(*) n FROM cases'),
    blobs: q('SELECT count(*) n FROM blobs'),
    keys: q('SELECT count(*) n FROM report_keys'),
  };
}

describe('bad input gets a clear 4xx and nothing is written', () => {
  const h = new EdgeHarness();
  let collector: Session;
  let operator: Session;
  beforeAll(async () => {
    await h.start({ uploads: { maxBytes: 2 * 1024 * 1024, maxPhotos: 3 } });
    collector = await h.as('collector');
    operator = await h.as('operator');
  });
  afterAll(() => h.stop());

  async function expectRejected(res: Response, status: number, code: string, field?: string | RegExp) {
    const body = (await res.json()) as { error: { code: string; message: string; field?: string } };
    expect(res.status, JSON.stringify(body)).toBe(status);
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(8);
    if (field !== undefined) expect(body.error.field).toMatch(field);
    return body.error;
  }

  const cases: [string, () => Promise<Response>, number, string, string | RegExp | undefined][] = [
    [
      'an oversized upload (over the body cap)',
      async () =>
        collector.request(
          'POST',
          '/api/v1/reports',
          photoForm(goodReport(1), [
            Buffer.alloc(3 * 1024 * 1024),
            Buffer.alloc(3 * 1024 * 1024),
            Buffer.alloc(3 * 1024 * 1024),
          ]),
        ),
      413,
      'too_large',
      undefined,
    ],
    [
      'an oversized photo (over the per-photo cap)',
      async () =>
        collector.request(
          'POST',
          '/api/v1/reports',
          photoForm(goodReport(2), [Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(2.5 * 1024 * 1024)])]),
        ),
      413,
      'too_large',
      'photos[0]',
    ],
    [
      'a text file posing as a photo',
      async () =>
        collector.request('POST', '/api/v1/reports', photoForm(goodReport(3), [Buffer.from('not a photo at all')])),
      415,
      'unsupported_media',
      'photos[0]',
    ],
    [
      'a decompression bomb (20000×20000 PNG of a few KB)',
      async () => collector.request('POST', '/api/v1/reports', photoForm(goodReport(4), [pngBomb(20_000, 20_000)])),
      413,
      'too_large',
      'photos[0]',
    ],
    [
      'a truncated JPEG',
      async () =>
        collector.request(
          'POST',
          '/api/v1/reports',
          photoForm(goodReport(5), [
            (
              await sharp({ create: { width: 800, height: 600, channels: 3, background: '#888' } })
                .jpeg()
                .toBuffer()
            ).subarray(0, 2000),
          ]),
        ),
      400,
      'invalid',
      'photos[0]',
    ],
    [
      'an unknown category',
      async () =>
        collector.request('POST', '/api/v1/reports', { ...goodReport(6), category: { kind: 'matter', code: '99999' } }),
      400,
      'invalid',
      'report.category',
    ],
    [
      'a component category used as a matter of another kind',
      async () =>
        collector.request('POST', '/api/v1/reports', { ...goodReport(7), category: { kind: 'plant', code: '01001' } }),
      400,
      'invalid',
      /report\.category\.kind/,
    ],
    [
      'coordinates outside the district',
      async () =>
        collector.request('POST', '/api/v1/reports', { ...goodReport(8), location: { lon: 116.39, lat: 39.9 } }),
      400,
      'invalid',
      'report.location',
    ],
    [
      'coordinates out of range',
      async () => collector.request('POST', '/api/v1/reports', { ...goodReport(9), location: { lon: 190, lat: 31 } }),
      400,
      'invalid',
      'report.location.lon',
    ],
    [
      'NaN-like coordinates as strings',
      async () =>
        collector.request('POST', '/api/v1/reports', { ...goodReport(10), location: { lon: 'NaN', lat: 31 } }),
      400,
      'invalid',
      'report.location.lon',
    ],
    [
      'an unknown field',
      async () => collector.request('POST', '/api/v1/reports', { ...goodReport(11), priority: 'urgent' }),
      400,
      'invalid',
      undefined,
    ],
    [
      'malformed JSON',
      async () => collector.request('POST', '/api/v1/reports', undefined, { 'content-type': 'application/json' }),
      400,
      'invalid',
      'body',
    ],
    [
      'a form without the report field',
      async () => collector.request('POST', '/api/v1/reports', new FormData()),
      400,
      'invalid',
      'report',
    ],
    [
      'a photo hash that was never uploaded',
      async () => collector.request('POST', '/api/v1/reports', { ...goodReport(12), photos: ['b'.repeat(64)] }),
      400,
      'invalid',
      'report.photos[0]',
    ],
    [
      'an unsupported content type',
      async () => collector.request('POST', '/api/v1/reports', undefined, { 'content-type': 'text/plain' }),
      415,
      'unsupported_media',
      'body',
    ],
  ];

  for (const [name, send, status, code, field] of cases) {
    it(`${name}: ${status} ${code}`, async () => {
      const before = footprint(h);
      await expectRejected(await send(), status, code, field);
      expect(footprint(h)).toEqual(before);
    });
  }

  it('a good photo followed by a bad one: 415 and neither is kept', async () => {
    const before = footprint(h);
    const good = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#4a4' } })
      .jpeg()
      .toBuffer();
    const res = await collector.request(
      'POST',
      '/api/v1/reports',
      photoForm(goodReport(40), [good, Buffer.from('not a photo')]),
    );
    expect(res.status).toBe(415);
    expect(footprint(h)).toEqual(before);
  });

  it('client report ids belong to their reporter: another collector reusing one gets their own case; the same collector reusing it for a different report gets 409', async () => {
    const other = await h.node.services.auth.createUser({
      username: 'collector-b',
      displayName: '采集员 B',
      role: 'collector',
      password: 'correct horse 42',
    });
    const token = h.node.services.auth.issueToken(other.id, 'handset B');
    const mine = await collector.json<{ case: { caseId: string } }>('POST', '/api/v1/reports', goodReport(50));
    const theirs = await fetch(`${h.base}/api/v1/reports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...goodReport(50), description: '另一个问题' }),
    });
    expect(theirs.status).toBe(201);
    expect(((await theirs.json()) as { case: { caseId: string } }).case.caseId).not.toBe(mine.body.case.caseId);
    const before = footprint(h);
    await expectRejected(
      await collector.request('POST', '/api/v1/reports', { ...goodReport(50), description: '不同的内容' }),
      409,
      'conflict',
      'report.clientReportId',
    );
    expect(footprint(h)).toEqual(before);
  });

  it('a JPEG with hostile EXIF is accepted with all metadata stripped from the published copy', async () => {
    const jpeg = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#468' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'x'.repeat(4000), Orientation: '65535' }, IFD3: { GPSLatitudeRef: 'N' } })
      .toBuffer();
    const res = await collector.request('POST', '/api/v1/reports', photoForm(goodReport(20), [jpeg]));
    expect(res.status).toBe(201);
    const body = (await res.json()) as { case: { photos: { report: string[] } } };
    const published = await collector.request('GET', `/api/v1/photos/${body.case.photos.report[0]}`);
    const meta = await sharp(Buffer.from(await published.arrayBuffer())).metadata();
    expect([meta.exif, meta.xmp, meta.iptc]).toEqual([undefined, undefined, undefined]);
  });

  it('a step with bad input names the field and writes nothing', async () => {
    const created = await collector.json<{ case: { caseId: string } }>('POST', '/api/v1/reports', goodReport(30));
    const id = created.body.case.caseId;
    const before = footprint(h);
    await expectRejected(
      await operator.request('POST', `/api/v1/cases/${id}/dispatch`, {
        departmentId: 'd1',
        limit: { amount: -1, unit: 'working_days' },
      }),
      403,
      'forbidden',
    );
    const dispatcher = await h.as('dispatcher');
    await expectRejected(
      await dispatcher.request('POST', `/api/v1/cases/${id}/dispatch`, {
        departmentId: 'd1',
        limit: { amount: -1, unit: 'working_days' },
      }),
      400,
      'invalid',
      'body.limit.amount',
    );
    await expectRejected(
      await dispatcher.request('POST', `/api/v1/cases/${id}/dispatch`, { departmentId: 'd1' }),
      409,
      'conflict',
    );
    await expectRejected(
      await dispatcher.request('POST', `/api/v1/cases/${id}/dispatch`, { departmentId: 'no-such-dept' }),
      400,
      'invalid',
      'body.departmentId',
    );
    await expectRejected(
      await operator.request('POST', `/api/v1/cases/${id}/file`, { category: { kind: 'matter', code: '99999' } }),
      400,
      'invalid',
      'body.category',
    );
    await expectRejected(
      await operator.request('POST', `/api/v1/cases/${id}/file`, { gridCode: '320481001001999' }),
      400,
      'invalid',
      'body.gridCode',
    );
    await expectRejected(
      await operator.request('POST', `/api/v1/cases/${id}/file`, { filingCondition: 7 }),
      400,
      'invalid',
      'body.filingCondition',
    );
    await expectRejected(
      await dispatcher.request('POST', '/api/v1/cases/not-a-uuid/dispatch', {}),
      400,
      'invalid',
      'id',
    );
    await expectRejected(
      await dispatcher.request('POST', '/api/v1/cases/018f3a2b-0000-7000-8000-000000000009/dispatch', {
        departmentId: 'd1',
      }),
      404,
      'not_found',
    );
    expect(footprint(h)).toEqual(before);
  });

  it('Open311: services list, a form-encoded request, and malformed requests rejected the GeoReport way', async () => {
    const services = (await (await fetch(`${h.base}/open311/v2/services.json`)).json()) as { service_code: string }[];
    expect(services.length).toBe(250);
    const token = h.node.services.auth.issueToken(operator.userId, 'hotline system');
    const post = (fields: Record<string, string>) =>
      fetch(`${h.base}/open311/v2/requests.json?api_key=${token}`, {
        method: 'POST',
        body: new URLSearchParams(fields),
      });
    const ok = await post({
      service_code: 'matter-06001',
      lat: '31.42',
      long: '119.48',
      description: '路边垃圾',
      phone: '13800000000',
      token: 'call-1',
    });
    expect(ok.status).toBe(200);
    const [created] = (await ok.json()) as { service_request_id: string }[];
    const again = (await (
      await post({
        service_code: 'matter-06001',
        lat: '31.42',
        long: '119.48',
        description: '路边垃圾',
        phone: '13800000000',
        token: 'call-1',
      })
    ).json()) as { service_request_id: string }[];
    expect(again[0]?.service_request_id).toBe(created?.service_request_id);
    // The same token for a different report is refused, never merged into the first case.
    const reused = await post({
      service_code: 'matter-06001',
      lat: '31.42',
      long: '119.48',
      description: '另一件事',
      token: 'call-1',
    });
    expect(reused.status).toBe(409);
    // A hotline call (operator account) is not published; a public app's report is, without the reporter's phone.
    expect((await fetch(`${h.base}/open311/v2/requests/${created?.service_request_id}.json`)).status).toBe(404);
    const app = await h.node.services.auth.createUser({
      username: 'public-app',
      displayName: '市民App',
      role: 'collector',
      password: 'correct horse 42',
    });
    const appKey = h.node.services.auth.issueToken(app.id, 'public app');
    const viaBody = await fetch(`${h.base}/open311/v2/requests.json`, {
      method: 'POST',
      body: new URLSearchParams({
        api_key: appKey,
        jurisdiction_id: 'liyang',
        service_code: 'matter-06001',
        lat: '31.42',
        long: '119.48',
        description: '占道经营',
        phone: '13900000000',
      }),
    });
    expect(viaBody.status).toBe(200);
    const [published] = (await viaBody.json()) as { service_request_id: string }[];
    const read = (await (
      await fetch(`${h.base}/open311/v2/requests/${published?.service_request_id}.json`)
    ).json()) as Record<string, unknown>[];
    expect(read[0]).toMatchObject({ status: 'open', service_code: 'matter-06001', lat: 31.42, long: 119.48 });
    expect(JSON.stringify(read)).not.toContain('13900000000');

    const before = footprint(h);
    for (const [fields, rule] of [
      [{ lat: '31.42', long: '119.48', description: 'x' }, /service_code/],
      [{ service_code: 'matter-99999', lat: '31.42', long: '119.48', description: 'x' }, /unknown service/],
      [{ service_code: 'matter-06001', lat: 'north', long: '119.48', description: 'x' }, /lat/],
      [{ service_code: 'matter-06001', lat: '39.9', long: '116.39', description: 'x' }, /outside/],
      [{ service_code: 'matter-06001', lat: '31.42', long: '119.48' }, /description/],
    ] as const) {
      const res = await post(fields);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { code: number; description: string }[];
      expect(body[0]?.description).toMatch(rule);
    }
    expect(
      (await fetch(`${h.base}/open311/v2/requests.json`, { method: 'POST', body: new URLSearchParams({}) })).status,
    ).toBe(401);
    expect(footprint(h)).toEqual(before);
  });
});
