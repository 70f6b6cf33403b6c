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

const READER_DEFINITION = `{
  "StartAt": "Each",
  "States": {
    "Each": {
      "Type": "Map",
      "ItemReader": {
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": { "InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW" },
        "Parameters": { "Bucket": "orders-bucket", "Key": "orders.csv" }
      },
      "ItemProcessor": {
        "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "STANDARD" },
        "StartAt": "Work",
        "States": { "Work": { "Type": "Pass", "End": true } }
      },
      "End": true
    }
  }
}`;

async function showTab(page, key) {
  await page.click(`[data-testid="tab-${key}"]`);
  await page.waitForFunction((panelKey) => {
    const panel = document.querySelector(`#panel-${panelKey}`);
    if (!panel) return true;
    const track = panel.parentElement.getBoundingClientRect();
    return Math.abs(panel.getBoundingClientRect().left - track.left) < 2;
  }, key);
}

async function verdictMatching(page, pattern) {
  const button = page.locator('[data-testid="run-to-end"]');
  if (await button.isEnabled()) await button.click({ timeout: 5_000 }).catch(() => {});
  await page.waitForFunction(
    ([selector, source]) => new RegExp(source).test(document.querySelector(selector)?.textContent ?? ''),
    [VERDICT, pattern.source],
    { timeout: 20_000 },
  );
  return page.textContent(VERDICT);
}

test('the ItemReader reads a file given to the page, and fails as AWS does on a bad one', async () => {
  const page = await openPage();
  await page.fill('[data-testid="asl-editor"]', READER_DEFINITION);
  await page.waitForSelector('[data-testid="no-diagnostics"]');
  await showTab(page, 'scenario');
  await page.fill('[data-testid="scenario-editor"]', '{\n  "items": { "file": "orders.csv" }\n}');
  await page.waitForSelector('[data-testid="item-file"]');
  assert.match(await page.textContent('[data-testid="item-file-status"]'), /Not given yet/);
  // Until the file is given, the run says why it cannot read the items.
  assert.match(await verdictMatching(page, /FAILED/), /States\.ItemReaderFailed/);

  await page.setInputFiles('[data-testid="item-file-input"]', {
    name: 'orders.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('id,amount\n1,10\n2,"1,5"\n3,7\n'),
  });
  await page.waitForFunction(() => /Given: orders\.csv/.test(document.querySelector('[data-testid="item-file-status"]')?.textContent ?? ''));
  const succeeded = await verdictMatching(page, /SUCCEEDED/);
  assert.match(succeeded, /all 3 items succeeded/);
  await screenshot('item-file-read');

  // Duplicate headers in the first row: the Map Run fails with AWS's cause.
  await page.setInputFiles('[data-testid="item-file-input"]', {
    name: 'orders.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('id,id\n1,2\n'),
  });
  const failed = await verdictMatching(page, /FAILED/);
  assert.match(failed, /States\.ItemReaderFailed/);
  assert.match(failed, /CSV headers cannot contain duplicates\./);
  await screenshot('item-file-duplicate-headers');
});
