// End-to-end tests of the monitoring tabs: the monitoring example run to its end, then its
// Metrics (the alarms, their transitions, a pasted dashboard with a located problem), Logs (a
// query run with Ctrl+Enter, a bad query's line:column) and Errors (the routes, a finding's
// button), in English and Japanese, at 1440×900 and 390×844.
// Imported by run.mjs, which runs every test file with the shared harness.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { EDITOR, caretLine, openPage, screenshot } from './harness.mjs';

const VERDICT = '[data-testid="verdict"]';
const CHILD_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:mapsim/ImportRecords';

// Written by hand, as a user would paste it: one metric row per line.
const DASHBOARD = `{
  "widgets": [
    {
      "type": "metric",
      "properties": {
        "title": "Child executions",
        "stat": "Sum",
        "period": 60,
        "annotations": { "horizontal": [{ "value": 10, "label": "page someone" }] },
        "metrics": [
          ["AWS/States", "ExecutionsFailed", "StateMachineArn", "${CHILD_ARN}"],
          [".", "ExecutionsSucceeded", ".", "."],
          ["AWS/States", "ExecutionsExploded", "StateMachineArn", "${CHILD_ARN}"]
        ]
      }
    },
    {
      "type": "log",
      "properties": {
        "title": "Errors by type",
        "query": "fields error_type | filter level = \\"ERROR\\" | stats count(*) as n by error_type"
      }
    },
    { "type": "text", "properties": { "markdown": "# Import" } }
  ]
}`;

async function openMonitoringExample(page) {
  await page.click('[data-testid="examples-button"]');
  await page.click('[data-testid="gallery-open-monitoring-alarms"]');
  await page.waitForSelector('[data-testid="no-diagnostics"]');
}

async function runToEnd(page) {
  await page.click('[data-testid="run-to-end"]');
  await page.waitForFunction(
    (selector) => /SUCCEEDED|FAILED/.test(document.querySelector(selector)?.textContent ?? ''),
    VERDICT,
    { timeout: 30_000 },
  );
}

async function showDetail(page, key, panel) {
  await page.click(`[data-testid="detail-tab-${key}"]`);
  await page.waitForSelector(`[data-testid="${panel}"]`);
  assert.equal(await page.getAttribute(`[data-testid="detail-tab-${key}"]`, 'aria-selected'), 'true');
  await scrollTo(page, `[data-testid="${panel}"]`);
}

/** Scrolls an element to the top of the run view, below its sticky verdict and playback bar. */
async function scrollTo(page, selector) {
  await page.$eval(selector, (element) => {
    let box = element.parentElement;
    while (box && !(box.scrollHeight > box.clientHeight && /auto|scroll/.test(getComputedStyle(box).overflowY))) {
      box = box.parentElement;
    }
    if (!box) return;
    const sticky = document.querySelector('.run-view-top');
    const below = sticky && getComputedStyle(sticky).position === 'sticky' ? sticky.getBoundingClientRect().bottom : box.getBoundingClientRect().top;
    box.scrollTop += element.getBoundingClientRect().top - below - 8;
    // On a phone the page is wider than the screen (its document column): a click on a tab
    // at the right may have scrolled it sideways.
    document.scrollingElement.scrollLeft = 0;
  });
}

test('the monitoring tabs show the alarms, a pasted dashboard, a query and the error routes', async () => {
  const page = await openPage();
  await openMonitoringExample(page);

  // Metrics: the picked metric follows the run to its end…
  await showDetail(page, 'metrics', 'metrics-panel');
  // The line under the chart: how many periods have data, and the current virtual time.
  const summary = '[data-testid="metric-main"]';
  const before = await page.textContent(summary);
  await runToEnd(page);
  await page.waitForFunction(
    ([selector, text]) => {
      const now = document.querySelector(selector)?.textContent ?? '';
      return now !== text && /now 00:06:3\d/.test(now);
    },
    [summary, before],
  );
  // …then each alarm with its ALARM periods and transitions.
  assert.equal(await page.locator('[data-testid="alarm"]').count(), 2);
  await screenshot('monitor-metrics-en');
  await scrollTo(page, '[data-testid="alarm"]');
  const transitions = await page.textContent('[data-testid="alarm-transitions"]');
  assert.match(transitions, /OK → ALARM|INSUFFICIENT_DATA → ALARM/);
  assert.match(transitions, /Threshold Crossed/);
  assert.ok((await page.locator('[data-testid="chart-moment"]').count()) >= 1, 'the Map Run failure is marked');
  await screenshot('monitor-metrics-alarms-en');

  // Another statistic and period redraw the chart.
  await page.selectOption('[data-testid="metric-period"]', '300');
  await page.selectOption('[data-testid="metric-statistic"]', { label: 'Maximum' });
  await page.waitForFunction(() => /Maximum/.test(document.querySelector('[data-testid="metric-main"]')?.textContent ?? ''));

  // A pasted dashboard: drawn from the run, its unknown metric located at its row.
  await page.fill('[data-testid="dashboard-body"]', DASHBOARD);
  const problem = page.locator('[data-testid="dashboard-problem"]').first();
  await problem.waitFor();
  const line = DASHBOARD.split('\n').findIndex((l) => l.includes('ExecutionsExploded')) + 1;
  assert.match(await problem.textContent(), new RegExp(`^${line}:\\d+`));
  assert.match(await problem.textContent(), /ExecutionsExploded/);
  await page.waitForSelector('[data-testid="dashboard-chart"]');
  assert.equal(await page.locator('[data-testid="dashboard-widget"]').count(), 3);
  await scrollTo(page, '.dashboard-area');
  await screenshot('monitor-dashboard-en');
  await scrollTo(page, '[data-testid="dashboard-widgets"]');
  await screenshot('monitor-dashboard-widgets-en');
  // Broken JSON is a located problem, not a broken page.
  await page.fill('[data-testid="dashboard-body"]', '{"widgets": [\n  {,\n]}');
  await page.waitForFunction(() => /^2:\d+/.test(document.querySelector('[data-testid="dashboard-problem"]')?.textContent ?? ''));
  await page.fill('[data-testid="dashboard-body"]', DASHBOARD);
  await page.waitForSelector('[data-testid="dashboard-chart"]');

  // Logs: the prefilled query, run with Ctrl+Enter.
  await showDetail(page, 'logs', 'logs-panel');
  await page.focus('[data-testid="logs-query"]');
  await page.keyboard.press('Control+Enter');
  await page.waitForSelector('[data-testid="logs-table"]');
  assert.match(await page.textContent('[data-testid="logs-table"]'), /error_type/);
  assert.match(await page.textContent('[data-testid="logs-counts"]'), /records scanned/);
  await screenshot('monitor-logs-en');
  await page.fill('[data-testid="logs-query"]', 'fields @message\n| frobnicate x');
  await page.click('[data-testid="logs-run"]');
  await page.waitForSelector('[data-testid="logs-error"]');
  assert.match(await page.textContent('[data-testid="logs-error"]'), /^2:\d+/);
  await screenshot('monitor-logs-error-en');

  // Errors: the routes and the findings; a finding's button selects its state.
  await showDetail(page, 'errors', 'errors-panel');
  assert.ok((await page.locator('[data-testid="route-state"]').count()) >= 1);
  assert.ok((await page.locator('[data-testid="finding"]').count()) >= 1);
  await screenshot('monitor-errors-en');
  // A handler's finding moves the editor's caret to the handler.
  const trap = page.locator('[data-testid="finding"][data-kind="trap"]').first();
  const pointer = await trap.locator('[data-testid="finding-show-definition"]').getAttribute('data-pointer');
  assert.match(pointer, /\/Catch\/0$/);
  await trap.locator('[data-testid="finding-show-definition"]').click();
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'asl-editor');
  const definition = await page.inputValue(EDITOR);
  const catchLine = definition.slice(0, definition.indexOf('"Catch": [')).split('\n').length;
  assert.equal(await caretLine(page), catchLine + 1, 'the caret is on the catcher');
  await page.click('[data-testid="finding-show-state"] >> nth=0');
  assert.equal(await page.getAttribute('[data-testid="detail-tab-state-level"]', 'aria-selected'), 'true');

  // 日本語: the same tabs, the dashboard kept.
  await page.click('[data-testid="lang-ja"]');
  await page.waitForFunction(() => document.documentElement.lang === 'ja');
  await showDetail(page, 'metrics', 'metrics-panel');
  assert.match(await page.textContent('[data-testid="detail-tab-metrics"]'), /メトリクス/);
  await screenshot('monitor-metrics-ja');
  await scrollTo(page, '[data-testid="alarm"]');
  await screenshot('monitor-metrics-alarms-ja');
  await scrollTo(page, '.dashboard-area');
  await screenshot('monitor-dashboard-ja');
  await showDetail(page, 'logs', 'logs-panel');
  await page.fill('[data-testid="logs-query"]', 'fields @timestamp, error_type\n| filter level = "ERROR"\n| sort @timestamp desc\n| limit 20');
  await page.click('[data-testid="logs-run"]');
  await page.waitForSelector('[data-testid="logs-table"]');
  await screenshot('monitor-logs-ja');
  await showDetail(page, 'errors', 'errors-panel');
  assert.match(await page.textContent('[data-testid="errors-panel"]'), /エラーの行き先/);
  await screenshot('monitor-errors-ja');

  // A phone: the tabs scroll sideways, charts and tables fit the width.
  await page.setViewportSize({ width: 390, height: 844 });
  await showDetail(page, 'metrics', 'metrics-panel');
  await screenshot('monitor-metrics-ja-390');
  await scrollTo(page, '[data-testid="alarm"]');
  await screenshot('monitor-alarm-ja-390');
  await scrollTo(page, '.dashboard-area');
  await screenshot('monitor-dashboard-ja-390');
  const { overflow, widest } = await page.$eval('[data-testid="metrics-panel"]', (panel) => {
    const right = panel.getBoundingClientRect().right;
    const wide = [...panel.querySelectorAll('*')].filter((e) => e.getBoundingClientRect().right > right + 1);
    return {
      overflow: panel.scrollWidth - panel.clientWidth,
      widest: wide.slice(0, 3).map((e) => `${e.tagName}.${e.className?.baseVal ?? e.className}`).join(', '),
    };
  });
  assert.ok(overflow <= 1, `the Metrics tab fits a phone (overflows by ${overflow}px: ${widest})`);
  await page.click('[data-testid="lang-en"]');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await showDetail(page, 'logs', 'logs-panel');
  await screenshot('monitor-logs-en-390');
  await showDetail(page, 'errors', 'errors-panel');
  await screenshot('monitor-errors-en-390');
  await page.setViewportSize({ width: 1440, height: 900 });
});
