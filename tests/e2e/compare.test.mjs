// End-to-end tests of the A/B tab: the order-processing example is kept as A, its Map's
// ToleratedFailureCount raised in the editor, and A and B compared on the same seed (the run
// table, the items that changed, both timelines) and over several seeds; "Put A back" restores
// A's texts; in English and Japanese, with screenshots.
// Imported by run.mjs, which runs every test file with the shared harness.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { openExample, openPage, screenshot, current, EDITOR } from './harness.mjs';

async function openCompare(page) {
  await openExample(page, 'order-processing', 'compare');
  await page.waitForSelector('[data-testid="compare-panel"]');
}

const cell = (page, key) =>
  page.$eval(`[data-testid="compare-row-${key}"]`, (r) => [r.dataset.a, r.dataset.b]);

test('A/B on one seed: a higher tolerance turns the failed run into a success, item by item', async () => {
  const page = await openPage();
  await openCompare(page);
  // The finished run says what it would cost, under its verdict.
  await page.click('[data-testid="run-to-end"]');
  await page.waitForSelector('[data-testid="verdict-cost"]');
  assert.match(
    await page.textContent('[data-testid="verdict-cost"]'),
    /^Cost in AWS: \$0\.0854 · \$0\.0854 per 1,000 items · 2\.2 % on retries — us-east-1, as a Standard workflow, free tier left out$/,
  );
  await page.click('[data-testid="compare-keep"]');
  await page.waitForSelector('[data-testid="compare-same"]');
  const original = await page.inputValue(EDITOR);
  assert.match(original, /"ToleratedFailureCount": 10/);
  await page.fill(EDITOR, original.replace('"ToleratedFailureCount": 10', '"ToleratedFailureCount": 20'));
  await page.waitForSelector('[data-testid="compare-changes"]');
  const changes = await page.textContent('[data-testid="compare-changes"]');
  assert.match(changes, /\/States\/ProcessOrders\/ToleratedFailureCount 10 → 20/);

  const workerFetched = () => current.requests.some((u) => /sweep-worker(_bg\.wasm|\.js)$/.test(u));
  assert.ok(!workerFetched(), 'the worker module was loaded before a comparison');
  await page.click('[data-testid="compare-run"]');
  await page.waitForSelector('[data-testid="compare-result"]', { timeout: 60_000 });
  assert.ok(workerFetched(), 'the comparison ran without its worker module');

  // The same as `mapsim compare` says of these two definitions on seed 7.
  assert.deepEqual(await cell(page, 'status'), ['FAILED', 'SUCCEEDED']);
  assert.deepEqual(await cell(page, 'error'), ['States.ExceedToleratedFailureThreshold', '—']);
  const [a, b] = await cell(page, 'map-ProcessOrders-succeeded');
  assert.ok(Number(b) > Number(a), `more items succeed in B (${a} → ${b})`);
  const [costA, costB] = await cell(page, 'cost_usd');
  assert.match(costA, /^\$0\.\d{4}$/);
  assert.ok(Number(costB.slice(1)) > Number(costA.slice(1)), 'B runs every item, so it costs more');
  await cell(page, 'per_1000_items_usd');
  await cell(page, 'retry_share');
  await cell(page, 'retries-ChargePayment');
  // A stopped at the threshold: the items it never ran (aborted, not started) succeed in B,
  // and no item that succeeded in A fails in B (the same seed, the same faults).
  const count = (key) => page.$eval(`[data-testid="compare-${key}"]`, (p) => Number(p.dataset.count));
  assert.equal(await count('succeeded_in_a_failed_in_b'), 0);
  await page.waitForSelector('[data-testid="compare-timeline"] path');
  assert.equal(await page.locator('[data-testid="compare-timeline"] path').count(), 4);
  await page.locator('[data-testid="compare-result"]').scrollIntoViewIfNeeded();
  await screenshot('compare-one-seed');

  await page.click('[data-testid="lang-ja"]');
  await page.waitForFunction(() => /同じシードで A と B を比較/.test(document.querySelector('[data-testid="compare-panel"]')?.textContent ?? ''));
  await page.click('[data-testid="compare-run"]');
  await page.waitForFunction(() => /実行の費用/.test(document.querySelector('[data-testid="compare-result"]')?.textContent ?? ''), null, { timeout: 60_000 });
  await page.locator('[data-testid="compare-result"]').scrollIntoViewIfNeeded();
  await screenshot('compare-one-seed-ja');
  await page.click('[data-testid="lang-en"]');

  // Put A back: the editor holds A's text again, and B is A.
  await page.click('[data-testid="compare-put-back"]');
  await page.waitForSelector('[data-testid="compare-same"]');
  assert.equal(await page.inputValue(EDITOR), original);
});

test('A/B over several seeds gives both sides the sweep statistics; bad seeds are said', async () => {
  const page = await openPage();
  await openCompare(page);
  await page.click('[data-testid="compare-keep"]');
  const original = await page.inputValue(EDITOR);
  await page.fill(EDITOR, original.replace('"ToleratedFailureCount": 10', '"ToleratedFailureCount": 30'));
  await page.waitForSelector('[data-testid="compare-changes"]');
  await page.fill('[data-testid="compare-seeds"]', '0');
  await page.click('[data-testid="compare-run"]');
  await page.waitForFunction(() => /seeds must be a whole number/.test(document.querySelector('[data-testid="compare-panel"]')?.textContent ?? ''));
  await page.fill('[data-testid="compare-seeds"]', '6');
  await page.click('[data-testid="compare-run"]');
  await page.waitForSelector('[data-testid="compare-result"][data-seeds="6"]', { timeout: 60_000 });
  const [pa, pb] = await cell(page, 'p_execution_failed');
  assert.equal(pa, '100.0 %', 'a tolerance of 10 fails on every seed');
  assert.ok(Number(pb.replace(' %', '')) < 100, `a tolerance of 30 fails less often (${pb})`);
  const note = await page.textContent('[data-testid="compare-result"] .sweep-note');
  assert.match(note, /6 runs each, on seeds 7 to 12/);
  await page.locator('[data-testid="compare-result"]').scrollIntoViewIfNeeded();
  await screenshot('compare-six-seeds');
});
