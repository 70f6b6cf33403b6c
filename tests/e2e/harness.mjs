// The end-to-end harness shared by every test file: Debian's Chromium driven by playwright-core
// against trunk's release build (dist/), served from a sub-path on loopback.
//
// Importing it registers the hooks that start the server and the browser once, open a fresh
// context per test (openPage), and check after each test that the page logged no error and made
// no request off its origin. `server` and `current` are live bindings.
// Environment: MAPSIM_DIST (default: dist/), MAPSIM_BASE_PATH (default: /mapsim/),
// MAPSIM_SCREENSHOTS (default: target/e2e-screenshots/), CHROMIUM (default: /usr/bin/chromium).

import { after, afterEach, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { serveStatic } from './server.mjs';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const distDir = resolve(process.env.MAPSIM_DIST ?? join(repo, 'dist'));
export const basePath = process.env.MAPSIM_BASE_PATH ?? '/mapsim/';
export const screenshotDir = resolve(process.env.MAPSIM_SCREENSHOTS ?? join(repo, 'target', 'e2e-screenshots'));
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

// The flags this machine's closed network needs: without the background-networking ones,
// Chromium keeps trying to reach Google's services.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export const EDITOR = '[data-testid="asl-editor"]';
export const DIAGNOSTICS = '[data-testid="diagnostics"]';
export const DIAGNOSTIC = `${DIAGNOSTICS} [data-testid="diagnostic"]`;

export let server;
let browser;
let screenshotNumber = 0;
export let current; // the page of the running test, with what was recorded on it

before(async () => {
  assert.ok(existsSync(join(distDir, 'index.html')), `no build in ${distDir}: run trunk build --release first`);
  assert.ok(basePath.startsWith('/') && basePath.endsWith('/'), 'MAPSIM_BASE_PATH must start and end with /');
  await rm(screenshotDir, { recursive: true, force: true });
  await mkdir(screenshotDir, { recursive: true });
  server = await serveStatic(distDir, basePath);
  browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens the page in a fresh context and starts recording what happens on it. */
export async function openPage(url = server.url) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const record = { context, consoleErrors: [], offOrigin: [], requests: [] };
  // Block (and remember) anything that would leave the origin, so a stray request can
  // neither pass unnoticed nor hang the test on the closed network.
  await context.route('**/*', (route) => {
    const requestUrl = route.request().url();
    record.requests.push(requestUrl);
    if (leavesOrigin(requestUrl)) {
      record.offOrigin.push(requestUrl);
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') record.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => record.consoleErrors.push(`uncaught: ${error.message}`));
  page.on('websocket', (socket) => record.offOrigin.push(socket.url()));
  record.page = page;
  current = record;
  await page.goto(url);
  await page.waitForSelector(EDITOR);
  return page;
}

function leavesOrigin(requestUrl) {
  const parsed = new URL(requestUrl);
  // data: and blob: URLs are the page's own bytes; everything else must be same-origin.
  if (parsed.protocol === 'data:' || parsed.protocol === 'blob:') return false;
  return parsed.origin !== server.origin;
}

/** Opens a built-in example from the gallery and waits for its run and its clean diagnostics,
 * then shows the run view's lower tab `tab` (its `detail-tab-…` key) when one is named. */
export async function openExample(page, id, tab) {
  await page.click('[data-testid="examples-button"]');
  await page.click(`[data-testid="gallery-open-${id}"]`);
  await page.waitForSelector('[data-testid="no-diagnostics"]');
  await page.waitForSelector('[data-testid="verdict"]');
  if (tab) await page.click(`[data-testid="detail-tab-${tab}"]`);
}

export async function screenshot(name) {
  screenshotNumber += 1;
  const file = join(screenshotDir, `${String(screenshotNumber).padStart(2, '0')}-${name}.png`);
  await current.page.screenshot({ path: file });
  return file;
}

afterEach(async () => {
  if (!current) return;
  const { context, consoleErrors, offOrigin, requests } = current;
  current = undefined;
  await context.close();
  assert.deepEqual(consoleErrors, [], 'the page logged errors');
  assert.deepEqual(offOrigin, [], 'requests left the page origin');
  assert.ok(requests.length > 0, 'no request was recorded at all (is the recorder working?)');
});

/** The 1-based line of the caret in the editor. */
export async function caretLine(page) {
  return page.$eval(EDITOR, (editor) => editor.value.slice(0, editor.selectionStart).split('\n').length);
}
