/**
 * Headless Chromium for the browser tests: Debian's `chromium` (or CHROME_PATH) driven by
 * puppeteer-core, which downloads no browser of its own. One browser per test file.
 *
 * Without a browser the suites are skipped with a warning locally and fail in CI (CI=true), so
 * a CI machine that lost its browser cannot pass on zero browser tests.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Page } from 'puppeteer-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The browser executable, or undefined. */
export function chromePath(): string | undefined {
  const env = process.env.CHROME_PATH;
  if (env) return env;
  return CANDIDATES.find((p) => fs.existsSync(p));
}

/** `describe`, or `describe.skip` with a warning when no browser is installed outside CI. */
export function describeInBrowser(name: string, body: () => void): void {
  if (chromePath() || process.env.CI) {
    describe(name, body);
    return;
  }
   
  console.warn(`${name}: skipped, no Chromium found (apt-get install -y chromium, or set CHROME_PATH)`);
  describe.skip(name, body);
}

/** Launches the browser; throws a clear error when there is none. */
export async function launch(): Promise<Browser> {
  const executablePath = chromePath();
  if (!executablePath) throw new Error('no Chromium found: install it (apt-get install -y chromium) or set CHROME_PATH');
  const puppeteer = await import('puppeteer-core');
  return puppeteer.launch({
    executablePath,
    headless: true,
    // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--font-render-hinting=none'],
  });
}

/** Where tests leave screenshots and rendered pages: test-output/ (gitignored). */
export function outputDir(...sub: string[]): string {
  const dir = path.join(__dirname, '..', '..', 'test-output', ...sub);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Collects page errors so that a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String((e as Error).message ?? e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  return errors;
}
