// End-to-end tests of recovery: the monitoring example fails (its Map Run exceeds the
// tolerance), Redrive runs the unsuccessful children again with the scenario's fix and the run
// succeeds; the item detail says an item ran again; the files download; in English and
// Japanese, with screenshots.
// Imported by run.mjs, which runs every test file with the shared harness.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { openPage, screenshot } from './harness.mjs';

const VERDICT = '[data-testid="verdict"]';

async function failedMonitoringRun(page) {
  await page.click('[data-testid="examples-button"]');
  await page.click('[data-testid="gallery-open-monitoring-alarms"]');
  await page.waitForSelector('[data-testid="no-diagnostics"]');
  await page.click('[data-testid="run-to-end"]');
  await page.waitForFunction(
    (selector) => document.querySelector(selector)?.dataset.status === 'FAILED',
    VERDICT,
    { timeout: 30_000 },
  );
}

test('a failed run is redriven: only the unsuccessful children run again, and it succeeds', async () => {
  const page = await openPage();
  await failedMonitoringRun(page);
  const redrive = page.locator('[data-testid="redrive"]');
  assert.equal(await redrive.count(), 1, 'a Redrive button after the failure');
  await screenshot('recovery-failed');

  await redrive.click();
  // It plays on from the failure; run it to its end.
  await page.waitForFunction((selector) => document.querySelector(selector)?.dataset.status !== 'FAILED', VERDICT);
  await page.click('[data-testid="run-to-end"]');
  await page.waitForFunction(
    (selector) => document.querySelector(selector)?.dataset.status === 'SUCCEEDED',
    VERDICT,
    { timeout: 30_000 },
  );
  assert.equal(await page.locator('[data-testid="redrive"]').count(), 0, 'nothing left to redrive');
  const summary = await page.textContent('[data-testid="redrive-summary"]');
  assert.match(summary, /Redriven 1 time: [\d,]+ child executions? ran again\./);
  const ranAgain = Number(summary.match(/: ([\d,]+) child/)[1].replace(/,/g, ''));
  assert.ok(ranAgain > 0 && ranAgain < 6000, `only some children ran again: ${ranAgain}`);
  await screenshot('recovery-redriven');

  // The parent's history shows the redrive.
  await page.click('[data-testid="detail-tab-parent-history"]');
  await page.waitForFunction(() => /ExecutionRedriven/.test(document.body.textContent) && /MapRunRedriven/.test(document.body.textContent));

  // The files: items.csv has a row per item and says which children ran again.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('[data-testid="download-items"]'),
  ]);
  assert.match(download.suggestedFilename(), /^mapsim-seed11-map-run-0-items\.csv$/);
  const csv = await readFile(await download.path(), 'utf8');
  const rows = csv.trim().split('\n');
  assert.equal(rows[0], 'index,child,status,attempts,error,cause,end_state,decided_by');
  assert.equal(rows.length, 6001);
  assert.ok(rows.slice(1).every((r) => r.includes(',SUCCEEDED,')));
  const [describe] = await Promise.all([
    page.waitForEvent('download'),
    page.click('[data-testid="download-describe"]'),
  ]);
  const described = JSON.parse(await readFile(await describe.path(), 'utf8'));
  assert.equal(described.redriveCount, 1);
  assert.equal(described.status, 'SUCCEEDED');
  assert.equal(described.itemCounts.succeeded, 6000);

  await page.click('[data-testid="lang-ja"]');
  await page.waitForFunction(() => document.documentElement.lang === 'ja');
  assert.match(await page.textContent('[data-testid="redrive-summary"]'), /1 回再実行（Redrive）しました/);
  await screenshot('recovery-redriven-ja');
});

test('seeking back before a redrive and forward again gives the same redriven run', async () => {
  const page = await openPage();
  await failedMonitoringRun(page);
  await page.click('[data-testid="redrive"]');
  await page.click('[data-testid="run-to-end"]');
  await page.waitForFunction(
    (selector) => document.querySelector(selector)?.dataset.status === 'SUCCEEDED',
    VERDICT,
    { timeout: 30_000 },
  );
  const before = await page.textContent('[data-testid="redrive-summary"]');
  // Back to the start (the run rebuilds), then to the end again: the redrive happens again
  // where the first run failed.
  await page.$eval('[data-testid="scrubber"]', (input) => {
    input.value = '1000';
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.waitForFunction((selector) => document.querySelector(selector)?.dataset.status === 'RUNNING', VERDICT);
  assert.equal(await page.locator('[data-testid="redrive-summary"]').count(), 0, 'before the redrive');
  await page.click('[data-testid="run-to-end"]');
  await page.waitForFunction(
    (selector) => document.querySelector(selector)?.dataset.status === 'SUCCEEDED',
    VERDICT,
    { timeout: 30_000 },
  );
  assert.equal(await page.textContent('[data-testid="redrive-summary"]'), before);
});
