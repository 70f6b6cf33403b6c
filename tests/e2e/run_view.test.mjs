// End-to-end tests of the run view: the example runs to a verdict; the Map Run counts and the
// item grid show; clicking a grid cell (or the keyboard) opens that item's timeline and its
// history; play and pause; the scrubber rewinds; unusable documents say why instead of running.
// Imported by run.mjs, which runs every test file with the shared harness.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { EDITOR, openPage, screenshot } from './harness.mjs';

const VERDICT = '[data-testid="verdict"]';
const GRID = '[data-testid="item-grid"]';
const CLOCK = '[data-testid="virtual-clock"]';
const PLAY = '[data-testid="play"]';

/** Clicks run-to-end and waits for the verdict to say SUCCEEDED or FAILED. The page opens
 * playing: on a busy machine the run may have ended (and run-to-end been disabled) before the
 * click. */
async function runToEnd(page) {
  if (await page.isEnabled('[data-testid="run-to-end"]')) {
    await page.click('[data-testid="run-to-end"]', { timeout: 5_000 }).catch(async (error) => {
      if (await page.isEnabled('[data-testid="run-to-end"]')) throw error;
    });
  }
  await page.waitForFunction(
    (selector) => /SUCCEEDED|FAILED|TIMED_OUT|ABORTED/.test(document.querySelector(selector)?.textContent ?? ''),
    VERDICT,
    { timeout: 30_000 },
  );
  return page.textContent(VERDICT);
}

/** Pixels of the item grid's canvas that hold a cell (opaque, not the empty background). */
async function paintedCells(page) {
  return page.$eval(GRID, (canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted += 1;
    return { painted, width: canvas.width, height: canvas.height, cells: Number(canvas.dataset.cells) };
  });
}

/** The Map Run's counts as numbers, e.g. counts['items-failed']. */
async function counts(page) {
  return page.$$eval('[data-testid="map-run-counts"] [data-count]', (cells) =>
    Object.fromEntries(cells.map((cell) => [cell.dataset.count, Number(cell.textContent.replace(/,/g, ''))])),
  );
}

test('the example runs to a verdict that explains itself, with counts and a painted item grid', async () => {
  const page = await openPage();
  await page.waitForSelector(VERDICT);
  await page.waitForSelector(GRID);
  await screenshot('run-view-on-open');

  const verdict = await runToEnd(page);
  await screenshot('run-to-end-verdict');
  if (verdict.includes('FAILED')) {
    assert.match(verdict, /States\.\w+|[A-Z]\w+(\.\w+)*Error|Exception/, 'a failed verdict names its error');
  }
  assert.match(await page.getAttribute(VERDICT, 'data-status'), /^(SUCCEEDED|FAILED|TIMED_OUT|ABORTED)$/);

  // The example's retriers cap FULL jitter with MaxDelaySeconds, an order no AWS source
  // settles: the page says which one the run took.
  await page.click('[data-testid="assumptions"] summary');
  const assumptions = await page.textContent('[data-testid="assumptions"]');
  assert.match(assumptions, /relied on 1 assumption/);
  assert.match(assumptions, /FULL jitter is drawn after MaxDelaySeconds caps the backoff/);

  const byStatus = await counts(page);
  for (const row of ['items', 'executions']) {
    const total = byStatus[`${row}-total`];
    assert.ok(total > 0, `${row}: a total`);
    const sum = ['pending', 'running', 'succeeded', 'failed', 'timed_out', 'aborted']
      .map((status) => byStatus[`${row}-${status}`])
      .reduce((a, b) => a + b, 0);
    assert.equal(sum, total, `${row} by status add up to the total`);
    assert.equal(byStatus[`${row}-running`], 0, `nothing of ${row} still runs at the end`);
  }

  const grid = await paintedCells(page);
  assert.ok(grid.width > 0 && grid.height > 0, 'the canvas has a size');
  assert.ok(grid.cells > 0, 'the grid has cells');
  assert.ok(grid.painted > 0, 'the grid is painted');
  // The legend names statuses with their counts; they add up to the cells.
  const legend = await page.$$eval('[data-testid="item-grid-legend"] .legend-count', (nodes) =>
    nodes.map((node) => Number(node.textContent.replace(/,/g, ''))),
  );
  assert.equal(legend.reduce((a, b) => a + b, 0), grid.cells);
  // The timeline chart is drawn too.
  const chart = await page.$eval('[data-testid="timeline-chart"]', (canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted += 1;
    return painted;
  });
  assert.ok(chart > 0, 'the timeline chart is drawn');
});

test("clicking a grid cell opens that item's timeline and its child execution history", async () => {
  const page = await openPage();
  await runToEnd(page);
  const canvas = page.locator(GRID);
  // The first cell sits in the top-left corner.
  await canvas.click({ position: { x: 2, y: 2 } });
  const title = page.locator('[data-testid="item-timeline-title"]');
  await title.waitFor();
  assert.match(await title.textContent(), /^(Item|Batch) 0\b/);
  await page.locator('[data-testid="item-timeline-steps"] li').first().waitFor();
  assert.ok((await page.locator('[data-testid="item-timeline-steps"] li').count()) >= 2, 'an attempt and its outcome');
  await screenshot('item-timeline');

  await page.click('[data-testid="show-child-history"]');
  await page.locator('[data-testid="history-row"]').first().waitFor();
  const kinds = await page.$$eval('[data-testid="history-row"] .history-kind', (nodes) => nodes.map((n) => n.textContent));
  assert.equal(kinds[0], 'ExecutionStarted', 'a child history starts with ExecutionStarted');
  await page.locator('[data-testid="history-row"] button').first().click();
  await page.waitForSelector('[data-testid="history-details"]');
  await screenshot('child-history');

  // The parent's history, rendered from the engine's records: its first event with its details.
  await page.getByRole('tab', { name: 'Parent history' }).click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="history-row"] .history-kind')?.textContent === 'ExecutionStarted',
  );
  await page.locator('[data-testid="history-row"] button').first().click();
  const parentDetails = await page.locator('[data-testid="history-details"]').textContent();
  assert.match(parentDetails, /executionStartedEventDetails/, 'the parent history shows ExecutionStarted with its details');
  assert.match(parentDetails, /roleArn/, 'with the role it ran as');

  // The keyboard does the same: focus the grid, move right, open.
  await canvas.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    () => /^(Item|Batch) 1\b/.test(document.querySelector('[data-testid="item-timeline-title"]')?.textContent ?? ''),
  );
  await screenshot('keyboard-selection');
});

test('play and pause: the virtual clock moves only while playing', async () => {
  const page = await openPage();
  await page.waitForSelector(PLAY);
  // Whatever the page started in, get to a paused state first.
  if ((await page.getAttribute(PLAY, 'data-state')) !== 'paused') await page.click(PLAY);
  assert.equal(await page.getAttribute(PLAY, 'data-state'), 'paused');
  const paused = await page.textContent(CLOCK);
  await page.waitForTimeout(400);
  assert.equal(await page.textContent(CLOCK), paused, 'the clock stands still while paused');

  // At 1× the example takes long enough that it cannot end during the test.
  await page.click('[data-testid="speed-1"]');
  await page.click(PLAY);
  assert.equal(await page.getAttribute(PLAY, 'data-state'), 'playing');
  await page.waitForFunction(
    ([selector, before]) => document.querySelector(selector)?.textContent !== before,
    [CLOCK, paused],
  );
  await screenshot('playing');
  await page.click(PLAY);
  assert.equal(await page.getAttribute(PLAY, 'data-state'), 'paused');
  const stopped = await page.textContent(CLOCK);
  await page.waitForTimeout(300);
  assert.equal(await page.textContent(CLOCK), stopped);

  // Space plays and pauses when no field has the focus.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Space');
  assert.equal(await page.getAttribute(PLAY, 'data-state'), 'playing');
  await page.keyboard.press('Space');
  assert.equal(await page.getAttribute(PLAY, 'data-state'), 'paused');
});

test('the scrubber rewinds to an earlier moment and the grid is repainted for it', async () => {
  const page = await openPage();
  await runToEnd(page);
  const end = await page.textContent(CLOCK);
  const max = Number(await page.getAttribute('[data-testid="scrubber"]', 'max'));
  assert.ok(max > 0, 'after the run the scrubber spans it');
  const middle = Math.floor(max / 2);
  await page.$eval(
    '[data-testid="scrubber"]',
    (input, value) => {
      input.value = String(value);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    },
    middle,
  );
  await page.waitForFunction(
    ([selector, before]) => {
      const text = document.querySelector(selector)?.textContent;
      return text && text !== before;
    },
    [CLOCK, end],
  );
  await page.waitForFunction((selector) => document.querySelector(selector)?.dataset.state === 'paused', PLAY);
  const clock = await page.textContent(CLOCK);
  const [h, m, s] = clock.split(':').map(Number);
  assert.equal(Math.round((h * 3600 + m * 60 + s) * 1000), middle, 'the clock shows the moment picked');
  assert.match(await page.textContent(VERDICT), /Running|件完了/, 'mid-run, the verdict is not known yet');
  const grid = await paintedCells(page);
  assert.ok(grid.painted > 0);
  await screenshot('rewound-to-the-middle');
});

test('a definition that cannot run says why instead of showing a run', async () => {
  const page = await openPage();
  await page.fill(EDITOR, '{ "StartAt": "Nowhere", "States": {} ');
  const blocked = page.locator('[data-testid="run-blocked"]');
  await blocked.waitFor();
  assert.match(await blocked.textContent(), /definition has \d+ errors?/);
  assert.match(await blocked.textContent(), /\d+:\d+: /, 'the first problems with their line:column');
  assert.equal(await page.locator(GRID).count(), 0, 'no stale run is shown');
  await screenshot('run-blocked');
});

test('with reduced motion asked for, the page opens paused at the start of the run', async () => {
  const page = await openPage();
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.reload();
  await page.waitForSelector(PLAY);
  assert.equal(await page.getAttribute(PLAY, 'data-state'), 'paused');
  await page.waitForTimeout(300);
  assert.equal(await page.textContent(CLOCK), '00:00:00.000', 'nothing moved by itself');
  await screenshot('reduced-motion-paused');
});
