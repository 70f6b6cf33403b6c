// End-to-end tests of the state graph and the state level: the example's graph shows every
// state with the Distributed Map's child workflow; the Map collapses and expands (mouse and
// keyboard); after run-to-end the child states carry live counts; selecting a state (click or
// keyboard) opens its statistics and delay tables.
// Imported by run.mjs, which runs every test file with the shared harness.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { distDir, openPage, screenshot } from './harness.mjs';

const GRAPH = '[data-testid="state-graph"]';
const NODE = `${GRAPH} [data-testid="graph-node"]`;
const TOGGLE = `${GRAPH} [data-testid="expand-map"]`;
const VERDICT = '[data-testid="verdict"]';

/** Every state of a machine, nested ones included (what the expanded graph shows). */
function countStates(machine) {
  let n = 0;
  for (const state of Object.values(machine.States ?? {})) {
    n += 1;
    for (const branch of state.Branches ?? []) n += countStates(branch);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) n += countStates(processor);
  }
  return n;
}

async function example() {
  return JSON.parse(await readFile(join(distDir, 'examples', 'order-processing.asl.json'), 'utf8'));
}

/** Scrolls `selector` to the top of what is visible: below the run view's sticky top bar. */
async function reveal(page, selector) {
  await page.locator(selector).evaluate((element) => {
    let scroller = element.parentElement;
    while (scroller && !(scroller.scrollHeight > scroller.clientHeight && /(auto|scroll)/.test(getComputedStyle(scroller).overflowY))) {
      scroller = scroller.parentElement;
    }
    // The bar sticks to the top of the run view when the run view scrolls; when the whole
    // page scrolls instead, the element can go to the top of the window.
    const bar = document.querySelector('.run-view-top')?.getBoundingClientRect();
    const below = scroller ? Math.max(bar?.bottom ?? 0, scroller.getBoundingClientRect().top) + 8 : 8;
    (scroller ?? window).scrollBy(0, element.getBoundingClientRect().top - below);
  });
}

async function showGraph(page) {
  await reveal(page, GRAPH);
}

async function runToEnd(page) {
  const button = page.locator('[data-testid="run-to-end"]');
  if (await button.isEnabled()) await button.click();
  await page.waitForFunction(
    (selector) => /SUCCEEDED|FAILED|TIMED_OUT|ABORTED/.test(document.querySelector(selector)?.textContent ?? ''),
    VERDICT,
    { timeout: 60_000 },
  );
}

test('the state graph shows every state, and the Distributed Map expands into its child workflow', async () => {
  const definition = await example();
  const page = await openPage();
  await page.waitForSelector(NODE);
  await showGraph(page);

  // Expanded by default: the Map the run is about shows its child states, one level down.
  assert.equal(await page.locator(NODE).count(), countStates(definition));
  const map = Object.values(definition.States).find((s) => s.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED');
  assert.ok(map, 'the example has a Distributed Map');
  const childNames = await page.$$eval(`${NODE}[data-depth="1"]`, (nodes) => nodes.map((n) => n.dataset.state));
  assert.deepEqual(childNames.sort(), Object.keys(map.ItemProcessor.States).sort());
  assert.equal(await page.getAttribute(TOGGLE, 'aria-expanded'), 'true');
  await screenshot('state-graph-expanded');

  // Collapse with the mouse: only the top-level states remain.
  await page.click(TOGGLE);
  await page.waitForFunction(
    ([selector, n]) => document.querySelectorAll(selector).length === n,
    [NODE, Object.keys(definition.States).length],
  );
  assert.equal(await page.getAttribute(TOGGLE, 'aria-expanded'), 'false');
  assert.match(await page.textContent(TOGGLE), /Show child workflow/);
  await showGraph(page);
  await screenshot('state-graph-collapsed');

  // Expand again with the keyboard.
  await page.focus(TOGGLE);
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    ([selector, n]) => document.querySelectorAll(selector).length === n,
    [NODE, countStates(definition)],
  );
  assert.equal(await page.getAttribute(TOGGLE, 'aria-expanded'), 'true');
});

test('after run-to-end the child states show their counts, and selecting a state opens its statistics', async () => {
  const page = await openPage();
  await page.waitForSelector(NODE);
  await runToEnd(page);

  // Child Tasks ran for the items: non-zero succeeded counts, shown on the cards too.
  const children = await page.$$eval(`${NODE}[data-depth="1"][data-type="Task"]`, (nodes) =>
    nodes.map((n) => ({ name: n.dataset.state, succeeded: Number(n.dataset.succeeded) })),
  );
  assert.ok(children.length > 0, 'child Tasks are drawn');
  assert.ok(children.some((c) => c.succeeded > 0), JSON.stringify(children));
  const validate = page.locator(`${NODE}[data-state="ValidateOrder"]`);
  assert.match(await validate.locator('.card-counts').textContent(), /✓\s*[\d,.]+k?/);
  // A finished run has no moving traffic left.
  assert.equal(await page.locator(`${GRAPH} [data-testid="graph-flow"]`).count(), 0);
  await showGraph(page);
  await screenshot('state-graph-after-run');

  // Click a child Task: the state level opens on it, with its retriers' delay tables.
  await validate.click();
  const name = page.locator('[data-testid="state-detail-name"]');
  await name.waitFor();
  assert.equal(await name.textContent(), 'ValidateOrder');
  assert.equal(await validate.getAttribute('aria-pressed'), 'true');
  const retriers = map(await example()).ItemProcessor.States.ValidateOrder.Retry ?? [];
  assert.equal(await page.locator('[data-testid="delay-table"]').count(), retriers.length);
  if (retriers.length > 0) {
    const rows = await page.locator('[data-testid="delay-table"]').first().locator('[data-testid="delay-row"]').count();
    assert.equal(rows, Math.min(retriers[0].MaxAttempts ?? 3, 50));
  }
  assert.ok((await page.locator('[data-testid="error-row"]').count()) > 0, 'errors by name are listed');
  await reveal(page, '.details-panel');
  await screenshot('state-panel-validate-order');

  // The keyboard selects too: focus another card and press Enter.
  await page.focus(`${NODE}[data-state="ChargePayment"]`);
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    () => document.querySelector('[data-testid="state-detail-name"]')?.textContent === 'ChargePayment',
  );
});

test('while the run plays, traffic moves along the busy edges; paused, it stops', async () => {
  const page = await openPage();
  await page.waitForSelector(NODE);
  await runToEnd(page);
  // Replay slowly: items flow through the child workflow.
  await page.click('[data-testid="speed-1"]');
  await page.click('[data-testid="play"]');
  const flow = `${GRAPH} [data-testid="graph-flow"]`;
  await page.waitForSelector(flow, { state: 'attached', timeout: 15_000 });
  await page.waitForFunction((selector) => document.querySelectorAll(selector).length >= 2, flow, { timeout: 15_000 });
  const levels = await page.$$eval(flow, (paths) => paths.map((p) => Number(p.dataset.level)));
  assert.ok(levels.every((level) => level >= 1 && level <= 4), JSON.stringify(levels));
  const inFlight = await page.$$eval(`${NODE}[data-depth="1"]`, (nodes) =>
    nodes.reduce((sum, n) => sum + Number(n.dataset.inFlight), 0),
  );
  assert.ok(inFlight > 0, 'child states have executions in flight while playing');
  await showGraph(page);
  await screenshot('state-graph-traffic');
  await page.click('[data-testid="play"]');
  await page.waitForFunction((selector) => document.querySelectorAll(selector).length === 0, flow);
});

function map(definition) {
  return Object.values(definition.States).find((s) => s.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED');
}
