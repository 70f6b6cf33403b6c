// End-to-end tests of the mapsim page: Debian's Chromium driven by playwright-core against
// trunk's release build (dist/), served from a sub-path on loopback.
//
// Run by scripts/test.sh (which builds dist/ first). By hand:
//   node --test-reporter=spec tests/e2e/run.mjs
// Environment: MAPSIM_DIST (default: dist/), MAPSIM_BASE_PATH (default: /mapsim/),
// MAPSIM_SCREENSHOTS (default: target/e2e-screenshots/), CHROMIUM (default: /usr/bin/chromium).
//
// Every test opens a fresh browser context (Chromium itself starts on a fresh temporary
// profile), records console errors, uncaught exceptions and every request, and fails when any
// request leaves the page's origin. Each step leaves a numbered screenshot.
//
// The harness (server, browser, recording, screenshots) is in harness.mjs; the tests of each part
// of the page are in their own files, imported here so that one command runs them all.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import {
  DIAGNOSTIC,
  EDITOR,
  basePath,
  caretLine,
  current,
  distDir,
  openPage,
  screenshot,
  server,
} from './harness.mjs';
import './edit_load.test.mjs';
import './run_view.test.mjs';
import './keep_share.test.mjs';
import './state_graph.test.mjs';
import './monitor.test.mjs';
import './recovery.test.mjs';
import './sweep.test.mjs';
import './compare.test.mjs';

test('the page opens on the built-in example, which has no diagnostics', async () => {
  const page = await openPage();
  const example = await readFile(join(distDir, 'examples', 'order-processing.asl.json'), 'utf8');
  assert.equal(await page.inputValue(EDITOR), example, 'the editor holds the published example file');
  assert.match(example, /"Mode": "DISTRIBUTED"/);
  await page.waitForSelector('[data-testid="no-diagnostics"]');
  assert.equal(await page.locator(DIAGNOSTIC).count(), 0);
  assert.match(await page.textContent('[data-testid="definition-status"]'), /Valid definition/);
  assert.match(await page.textContent('[data-testid="outline"]'), /ProcessOrders/);
  // One gutter line per text line.
  const nLines = example.split('\n').length;
  assert.equal(await page.locator('.editor-gutter > .gutter-line').count(), nLines);
  await screenshot('opened-on-example');
});

test('broken JSON gives a diagnostic at its line, and the page keeps working', async () => {
  const page = await openPage();
  const broken = [
    '{',
    '  "StartAt": "Hello",',
    '  "States": {',
    '    "Hello": { "Type": "Pass", "End": true },,',
    '  }',
    '}',
  ].join('\n');
  await page.fill(EDITOR, broken);
  const diagnostic = page.locator(DIAGNOSTIC).first();
  await diagnostic.waitFor();
  await screenshot('broken-json-diagnostic');
  assert.equal(await diagnostic.getAttribute('data-severity'), 'error');
  assert.equal(await diagnostic.getAttribute('data-line'), '4', 'the diagnostic points at line 4');
  assert.match(await diagnostic.textContent(), /^.*4:\d+/);
  const mark = page.locator('[data-testid="gutter-mark"]');
  assert.equal(await mark.count(), 1);
  assert.equal(await mark.getAttribute('data-line'), '4', 'the gutter marks line 4');
  assert.match(await page.textContent('[data-testid="definition-status"]'), /1 error/);

  // Clicking the diagnostic puts the caret on its line.
  await page.focus(EDITOR);
  await page.keyboard.press('Control+Home');
  assert.equal(await caretLine(page), 1);
  await diagnostic.click();
  assert.equal(await caretLine(page), 4, 'the caret moved to the diagnostic line');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'asl-editor');
  await screenshot('caret-on-diagnostic-line');

  // Typing at the caret fixes it: remove the second comma of line 4 and the one that makes
  // the object's last member end with a comma.
  const fixed = broken.replace('},,', '}');
  await page.fill(EDITOR, fixed);
  await page.waitForSelector('[data-testid="no-diagnostics"]');
  assert.equal(await page.locator('[data-testid="gutter-mark"]').count(), 0);
  assert.match(await page.textContent('[data-testid="definition-status"]'), /Valid definition/);

  // And real key presses reach the analysis too: a stray character after the last line.
  await page.focus(EDITOR);
  await page.keyboard.press('Control+End');
  await page.keyboard.type('x');
  await page.locator(DIAGNOSTIC).first().waitFor();
  const lastLine = String(fixed.split('\n').length);
  assert.equal(await page.locator(DIAGNOSTIC).first().getAttribute('data-line'), lastLine);
  await screenshot('typed-trailing-character');
});

test('a mistake in the definition is reported at its line, with its JSON pointer', async () => {
  const page = await openPage();
  const example = await page.inputValue(EDITOR);
  const misspelt = example.replace('"Next": "ChargePayment"', '"Next": "ChargePaymnt"');
  assert.notEqual(misspelt, example, 'the example has the Next field this test edits');
  const line = String(misspelt.split('\n').findIndex((text) => text.includes('ChargePaymnt')) + 1);
  await page.fill(EDITOR, misspelt);
  const diagnostic = page.locator(DIAGNOSTIC).first();
  await diagnostic.waitFor();
  assert.equal(await diagnostic.getAttribute('data-severity'), 'error');
  assert.equal(await diagnostic.getAttribute('data-line'), line);
  assert.match(await diagnostic.textContent(), /ChargePaymnt/);
  assert.match(await diagnostic.textContent(), /\/States\/ProcessOrders\/ItemProcessor\/States\/ValidateOrder/);
  await diagnostic.click();
  assert.equal(await caretLine(page), Number(line));
  await screenshot('unknown-next-state');
});

test('the examples gallery opens a built-in example, replacing edits only when one is picked', async () => {
  const page = await openPage();
  await page.fill(EDITOR, '{}');
  await page.locator(DIAGNOSTIC).first().waitFor();

  // Opening and closing the gallery changes nothing.
  await page.click('[data-testid="examples-button"]');
  await page.waitForSelector('[data-testid="examples-gallery"]');
  assert.match(await page.textContent('[data-testid="examples-gallery"]'), /replaces your edited definition/);
  await page.click('[data-testid="gallery-close"]');
  assert.equal(await page.inputValue(EDITOR), '{}');

  await page.click('[data-testid="examples-button"]');
  await page.click('[data-testid="gallery-open-throttled-lambda"]');
  await page.waitForSelector('[data-testid="no-diagnostics"]');
  const throttled = await readFile(join(distDir, 'examples', 'throttled-lambda.asl.json'), 'utf8');
  assert.equal(await page.inputValue(EDITOR), throttled);
  await screenshot('second-example');

  await page.click('[data-testid="examples-button"]');
  await page.click('[data-testid="gallery-open-order-processing"]');
  await page.waitForSelector('[data-testid="no-diagnostics"]');
  assert.match(await page.inputValue(EDITOR), /"ProcessOrders"/);
});

test('every request the page made stayed under the sub-path and was answered', async () => {
  const page = await openPage();
  await page.waitForLoadState('networkidle');
  const outside = server.requests.filter((r) => !r.path.startsWith(basePath));
  assert.deepEqual(outside, [], 'requests outside the base path');
  const failed = server.requests.filter((r) => r.status >= 400);
  assert.deepEqual(failed, [], 'requests the server could not answer');
  const wasm = server.requests.filter((r) => r.path.endsWith('.wasm'));
  assert.ok(wasm.length >= 1, 'the wasm module was loaded from the sub-path');
  assert.ok(current.requests.every((u) => u.startsWith(server.url)), current.requests.join('\n'));
  await screenshot('served-from-sub-path');
  assert.ok(page);
});
