import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.WANMI_CHROMIUM ?? '/usr/bin/chromium';
export const CONSOLE_DIST = fileURLToPath(new URL('../../console/dist', import.meta.url));
export const SCREENSHOTS = resolve(fileURLToPath(new URL('../../reports/screenshots', import.meta.url)));

/** The console must be built first (CI runs `npm run build`); a missing build fails loudly, never skips. */
export function requireConsoleBuild(): void {
  if (!existsSync(join(CONSOLE_DIST, 'index.html'))) {
    throw new Error(
      `console/dist/index.html is missing: build the console first with \`npx vite build --config console/vite.config.ts\` (part of \`npm run build\`)`,
    );
  }
}

/**
 * Real Debian Chromium driven by playwright-core. Every request is recorded; any request that leaves the
 * appliance's origin is blocked and recorded as external, and `assertNoExternalRequests` fails the test on it.
 */
export class ConsoleBrowser {
  readonly requests: string[] = [];
  readonly external: string[] = [];
  readonly pageErrors: string[] = [];

  private constructor(
    readonly origin: string,
    readonly browser: Browser,
    readonly context: BrowserContext,
  ) {}

  static async launch(origin: string, opts: { viewport?: { width: number; height: number } } = {}) {
    requireConsoleBuild();
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium (listed in .ci/apt-packages.txt)`);
    }
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        // WebGL for MapLibre without a GPU: SwiftShader, software rendering.
        '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader',
        '--autoplay-policy=no-user-gesture-required',
      ],
    });
    const context = await browser.newContext({
      viewport: opts.viewport ?? { width: 1440, height: 900 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    const b = new ConsoleBrowser(new URL(origin).origin, browser, context);
    await context.route('**/*', (route) => {
      const url = route.request().url();
      b.requests.push(url);
      if (b.isLocal(url)) return route.continue();
      b.external.push(url);
      return route.abort('blockedbyclient');
    });
    // Requests that bypass routing (workers, prefetches) are still seen here.
    context.on('request', (req) => {
      const url = req.url();
      if (!b.isLocal(url) && !b.external.includes(url)) b.external.push(url);
    });
    return b;
  }

  private isLocal(url: string): boolean {
    if (url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank') return true;
    try {
      return new URL(url).origin === this.origin;
    } catch {
      return false;
    }
  }

  async newPage(): Promise<Page> {
    const page = await this.context.newPage();
    page.on('pageerror', (e) => this.pageErrors.push(String(e)));
    // A Content-Security-Policy violation means the page tried to load or connect somewhere it must not.
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) this.pageErrors.push(m.text());
    });
    return page;
  }

  assertNoExternalRequests(): void {
    const csp = this.pageErrors.filter((e) => /Content Security Policy/i.test(e));
    if (csp.length > 0) throw new Error(`the console broke its Content-Security-Policy:\n${csp.join('\n')}`);
    if (this.external.length > 0) {
      throw new Error(`the console made requests outside the appliance (${this.origin}):\n${this.external.join('\n')}`);
    }
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => {});
    await this.browser.close();
  }
}

/** Saves a full-page screenshot to reports/screenshots/<name>.png (CI output, gitignored). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** Logs in through the console's form (zh-CN labels by default). */
export async function loginThroughForm(page: Page, origin: string, username: string, password: string): Promise<void> {
  await page.goto(`${origin}/`);
  await page.locator('#login-username').fill(username);
  await page.locator('#login-password').fill(password);
  await page.locator('form button[type=submit]').click();
  await page.locator('nav.side').waitFor({ state: 'visible' });
}

/** Logs the page out (cookies cleared) and in again as `username`. */
export async function switchUser(page: Page, origin: string, username: string, password: string): Promise<void> {
  await page.context().clearCookies();
  await loginThroughForm(page, origin, username, password);
}

/** Opens an action on the case page, fills it with `fill`, submits, and waits for the case to reach `status`. */
export async function runAction(
  page: Page,
  action: string,
  status: string,
  fill: (form: ReturnType<Page['locator']>) => Promise<void> = async () => {},
): Promise<void> {
  await page.locator(`button[data-action="${action}"]`).click();
  const form = page.locator('#action-form');
  await form.waitFor({ state: 'visible' });
  await fill(form);
  await form.locator('[data-testid=action-submit]').click();
  await page.locator(`article.case[data-status="${status}"]`).waitFor({ timeout: 15_000 });
}

/**
 * Waits until `expression` is truthy in the page. Polled through `page.evaluate` (the DevTools protocol): the
 * console's Content-Security-Policy forbids the string evaluation `page.waitForFunction` uses inside the page.
 */
export async function waitUntil(page: Page, expression: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await page.evaluate(expression)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${expression}`);
    await page.waitForTimeout(50);
  }
}
