import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgeHarness } from '../support/edge-harness.js';
import { OnvifMock } from '../support/onvif-mock.js';
import { RtspServer } from '../support/rtsp-server.js';
import { eventually, mockCamera, testVideoConfig } from '../support/video-config.js';

const here = dirname(fileURLToPath(import.meta.url));
const PAGE = readFileSync(join(here, 'video-player.html'));
const JSMPEG = readFileSync(join(here, '../../node_modules/@cycjimmy/jsmpeg-player/dist/jsmpeg-player.umd.min.js'));

type Stats = { frames: number; appended: number; errors: string[]; mime: string | null; jsmpegFrames: number };

describe('operators watch live video in Chromium', () => {
  const rtsp = new RtspServer();
  let mock: OnvifMock;
  const h = new EdgeHarness();
  let pageServer: Server;
  let pageOrigin = '';
  let browser: Browser;

  beforeAll(async () => {
    // The test page is served from its own port: the relay must be told to accept that origin.
    pageServer = createServer((req, res) => {
      if (req.url === '/jsmpeg-player.umd.min.js')
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(JSMPEG);
      else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    });
    await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', () => resolve()));
    pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
    await rtsp.start();
    mock = await new OnvifMock({ rtspUrl: rtsp.url }).start();
    await h.start({
      video: testVideoConfig([mockCamera('cam-wall', mock.url)], { relay: { allowedOrigins: [pageOrigin] } }),
    });
    await eventually(async () => {
      const op = await h.as('operator');
      expect((await op.json<{ streamUri: string }>('GET', '/api/v1/cameras/cam-wall')).body.streamUri).toBe(rtsp.url);
    });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--autoplay-policy=no-user-gesture-required',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await h.stop();
    await mock?.close();
    await rtsp.stop();
    await new Promise<void>((resolve) => pageServer?.close(() => resolve()));
  });

  /** A page logged in as an operator: the session cookie goes with the WebSocket (same host, other port). */
  async function operatorPage(): Promise<Page> {
    const op = await h.as('operator');
    const context = await browser.newContext();
    const [name, value] = op.cookie.split('=');
    await context.addCookies([{ name: name ?? '', value: value ?? '', domain: '127.0.0.1', path: '/' }]);
    const page = await context.newPage();
    await page.goto(pageOrigin);
    return page;
  }

  // The page's own functions are called by name: this project's TypeScript has no DOM types.
  it('Chromium supports H.264 in MSE (otherwise only the fallback could play)', async () => {
    const page = await operatorPage();
    expect(await page.evaluate(`MediaSource.isTypeSupported('video/mp4; codecs="avc1.42E01E"')`)).toBe(true);
    await page.context().close();
  });

  it('plays the H.264 passthrough through MSE, and its frames advance', async () => {
    const page = await operatorPage();
    const wsUrl = `${h.base.replace('http', 'ws')}/api/v1/cameras/cam-wall/live?mode=mse`;
    await page.evaluate(`playMse(${JSON.stringify(wsUrl)})`);
    const stats = () => page.evaluate('window.stats') as Promise<Stats>;
    const time = () => page.evaluate("document.getElementById('video').currentTime") as Promise<number>;
    await eventually(async () => expect((await stats()).frames).toBeGreaterThan(10), 20_000, 250);
    // Playback time and frame count are read in one evaluate, so both belong to the same moment.
    const { t0, f0 } = (await page.evaluate(
      "({ t0: document.getElementById('video').currentTime, f0: window.stats.frames })",
    )) as { t0: number; f0: number };
    // Over a second of playback and more than 20 frames (~25 fps) after it; waited for, not a fixed sleep.
    await eventually(
      async () => {
        expect(await time()).toBeGreaterThan(t0 + 1);
        expect((await stats()).frames).toBeGreaterThan(f0 + 20);
      },
      15_000,
      250,
    );
    const s = await stats();
    expect(s.mime).toMatch(/avc1\.42/);
    expect(s.errors).toEqual([]);
    await page.context().close();
  }, 60_000); // the waits above add up to 35 s: a slow start fails on them, with their message, not on the timeout

  it('plays the MPEG-1 fallback with JSMpeg: frames decode and the canvas changes', async () => {
    const page = await operatorPage();
    const wsUrl = `${h.base.replace('http', 'ws')}/api/v1/cameras/cam-wall/live?mode=jsmpeg`;
    await page.evaluate(`playJsmpeg(${JSON.stringify(wsUrl)})`);
    const stats = () => page.evaluate('window.stats') as Promise<Stats>;
    // Frame count and canvas digest are read in one evaluate: read apart, a frame decoded between the two reads
    // changed the digest while already counted, and the later check saw a new picture but no new frame.
    const snapshot = () =>
      page.evaluate('({ frames: window.stats.jsmpegFrames, digest: canvasDigest() })') as Promise<{
        frames: number;
        digest: number;
      }>;
    await eventually(async () => expect((await stats()).jsmpegFrames).toBeGreaterThan(10), 20_000, 250);
    const s0 = await snapshot();
    await eventually(
      async () => {
        const s = await snapshot();
        expect(s.digest).not.toBe(s0.digest);
        expect(s.frames).toBeGreaterThan(s0.frames);
      },
      5000,
      200,
    );
    await page.context().close();
  });
});
