// End-to-end tests of the Sweep tab: two axes over the order-processing example fill a heatmap
// from Web Workers while the page keeps drawing frames; a cell's click writes its values into
// the definition and the scenario; a bad range is said at its axis; in English and Japanese,
// with screenshots.
// Imported by run.mjs, which runs every test file with the shared harness.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { openExample, openPage, screenshot, current, EDITOR } from './harness.mjs';

const TOLERANCE = '/States/ProcessOrders/ToleratedFailureCount';
const PROBABILITY = 'scenario:/tasks/ChargePayment/faults/0/probability';

async function openSweep(page) {
  await openExample(page, 'order-processing', 'sweep');
  await page.waitForSelector('[data-testid="sweep-panel"]');
}

async function axis(page, slot, name, from, to, step) {
  await page.selectOption(`[data-testid="sweep-axis-${slot}-field"]`, name);
  await page.fill(`[data-testid="sweep-axis-${slot}-from"]`, String(from));
  await page.fill(`[data-testid="sweep-axis-${slot}-to"]`, String(to));
  await page.fill(`[data-testid="sweep-axis-${slot}-step"]`, String(step));
}

test('a two-axis sweep fills its heatmap from workers, and a cell writes its values back', async () => {
  const page = await openPage();
  await openSweep(page);
  await axis(page, 0, TOLERANCE, 0, 30, 10);
  await axis(page, 1, PROBABILITY, 0, 0.1, 0.05);
  await page.fill('[data-testid="sweep-seeds"]', '4');

  // Frame intervals while the sweep fills: the main thread only receives results.
  await page.evaluate(() => {
    window.__frames = [];
    let last = performance.now();
    const tick = (now) => {
      window.__frames.push(now - last);
      last = now;
      if (!window.__stopFrames) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  // The worker's module is not part of the first load: it is fetched when a sweep starts.
  const workerFetched = () => current.requests.some((u) => /sweep-worker(_bg\.wasm|\.js)$/.test(u));
  assert.ok(!workerFetched(), 'the sweep worker was loaded before any sweep');
  const started = Date.now();
  await page.click('[data-testid="sweep-start"]');
  await page.waitForFunction(() => {
    const p = document.querySelector('[data-testid="sweep-progress"]');
    return p && p.dataset.total === '12' && p.dataset.done === '12';
  }, null, { timeout: 120_000 });
  const elapsed = Date.now() - started;
  const frames = await page.evaluate(() => {
    window.__stopFrames = true;
    return window.__frames.slice(2).sort((a, b) => a - b);
  });
  const p95 = frames[Math.floor(frames.length * 0.95)] ?? 0;
  console.log(`sweep of 48 runs: ${elapsed} ms, ${frames.length} frames, frame p95 ${p95.toFixed(1)} ms`);

  assert.ok(workerFetched(), 'the sweep ran without fetching its worker module');
  const cells = page.locator('[data-testid="sweep-cell"]');
  assert.equal(await cells.count(), 12, 'one cell per pair of values');
  const ps = await cells.evaluateAll((all) => all.map((c) => Number(c.dataset.p)));
  // A tolerance of 0 always fails (two items always fail); 30 at probability 0 never does.
  assert.deepEqual(ps.slice(0, 3), [1, 1, 1]);
  assert.equal(ps[9], 0);
  const note = await page.textContent('[data-testid="sweep-closed-form"]');
  assert.match(note, /Closed form does not apply: throttling couples items/);
  await page.locator('[data-testid="sweep-heatmap"]').scrollIntoViewIfNeeded();
  await screenshot('sweep-heatmap');

  await page.click('[data-testid="lang-ja"]');
  await page.waitForFunction(() => /閉形式は使えません: スロットリングがアイテムを結びつけます/.test(document.querySelector('[data-testid="sweep-closed-form"]')?.textContent ?? ''));
  await page.locator('[data-testid="sweep-heatmap"]').scrollIntoViewIfNeeded();
  await screenshot('sweep-heatmap-ja');
  await page.click('[data-testid="lang-en"]');

  // The cell of tolerance 30, probability 0.05 writes both values.
  await cells.nth(10).click();
  await page.waitForFunction(
    (editor) => /"ToleratedFailureCount": 30/.test(document.querySelector(editor).value),
    EDITOR,
  );
  await page.click('[data-testid="tab-scenario"]');
  await page.waitForFunction(() => /"probability": 0\.05/.test(document.querySelector('[data-testid="scenario-editor"]')?.value ?? ''));
  // The heatmap stays, its outline now on the cell just chosen.
  await page.click('[data-testid="detail-tab-sweep"]');
  assert.equal(await page.locator('.sweep-current').count(), 1, 'the current setting is marked');
});

test('a bad range is said at its axis, and a long sweep says so before it starts', async () => {
  const page = await openPage();
  await openSweep(page);
  await axis(page, 0, TOLERANCE, 0, 'ten', 1);
  await page.click('[data-testid="sweep-start"]');
  const problem = await page.textContent('[data-testid="sweep-problem-0"]');
  assert.match(problem, /ToleratedFailureCount: TO must be a number/);

  await axis(page, 0, '/States/ProcessOrders/ToleratedFailurePercentage', 0, 120, 60);
  await page.click('[data-testid="sweep-start"]');
  assert.match(await page.textContent('[data-testid="sweep-problem-0"]'), /out of range/);

  // 40 × 40 cells × 50 seeds = 80,000 runs: the page says how long first.
  await axis(page, 0, TOLERANCE, 0, 39, 1);
  await axis(page, 1, PROBABILITY, 0, 0.39, 0.01);
  await page.fill('[data-testid="sweep-seeds"]', '50');
  await page.click('[data-testid="sweep-start"]');
  const confirm = await page.textContent('[data-testid="sweep-confirm"]');
  assert.match(confirm, /This sweep will take about \d+ (min|s) on \d+ workers?/);
  await screenshot('sweep-confirm');
});
