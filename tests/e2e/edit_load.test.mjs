// End-to-end tests of editing and loading: a pasted definition and scenario that fail, fixed by
// raising the tolerance in the settings form (which writes into the ASL text); broken JSON in
// either document; a file opened with the file input; a template with two state machines.
// Imported by run.mjs, which runs every test file with the shared harness.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { EDITOR, openPage, screenshot } from './harness.mjs';

const SCENARIO_EDITOR = '[data-testid="scenario-editor"]';
const VERDICT = '[data-testid="verdict"]';
const TOLERATED_COUNT = '[data-testid="tolerated-failure-count"]';

// 200 items, 30 of them always failing; the Map Run tolerates 20.
const FAILING = `{
  "Comment": "Resize every image; a few are corrupt.",
  "StartAt": "ResizeAll",
  "States": {
    "ResizeAll": {
      "Type": "Map",
      "ToleratedFailureCount": 20,
      "MaxConcurrency": 50,
      "ItemProcessor": {
        "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "STANDARD" },
        "StartAt": "Resize",
        "States": {
          "Resize": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Retry": [
              { "ErrorEquals": ["Lambda.ServiceException"], "IntervalSeconds": 1, "MaxAttempts": 2 }
            ],
            "End": true
          }
        }
      },
      "End": true
    }
  }
}
`;

const SCENARIO = `{
  "seed": 11,
  "items": { "count": 200 },
  "tasks": {
    "Resize": {
      "latency": { "fixed_ms": 300 },
      "faults": [ { "error": "CorruptImage", "items": { "fraction": 0.15 } } ]
    }
  }
}
`;

const FAILING_YAML = `# Resize every image; a few are corrupt.
StartAt: ResizeAll
States:
  ResizeAll:
    Type: Map
    ToleratedFailureCount: 20
    ItemProcessor:
      ProcessorConfig:
        Mode: DISTRIBUTED
        ExecutionType: STANDARD
      StartAt: Resize
      States:
        Resize:
          Type: Task
          Resource: arn:aws:states:::lambda:invoke
          Retry:
            - ErrorEquals: [Lambda.ServiceException]
              BackoffRate: 2   # doubles each time
          End: true
    End: true
`;

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Ingest:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: Load
        States:
          Load: {Type: Pass, End: true}
  Nightly:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      Definition:
        StartAt: Fan
        States:
          Fan:
            Type: Map
            ToleratedFailurePercentage: 10
            ItemProcessor:
              ProcessorConfig: {Mode: DISTRIBUTED, ExecutionType: EXPRESS}
              StartAt: Work
              States:
                Work:
                  Type: Task
                  Resource: arn:aws:states:::lambda:invoke
                  End: true
            End: true
`;

/** Shows a tab of the documents column. */
async function showTab(page, key) {
  await page.click(`[data-testid="tab-${key}"]`);
  // The panels slide sideways: wait until this one is in place before looking at it.
  await page.waitForFunction((panelKey) => {
    const panel = document.querySelector(`#panel-${panelKey}`);
    if (!panel) return true;
    const track = panel.parentElement.getBoundingClientRect();
    return Math.abs(panel.getBoundingClientRect().left - track.left) < 2;
  }, key);
}

/** Runs the current documents to their end and returns the verdict's text once it has one. */
async function runToEnd(page, expected) {
  // A short run may already be over (the button is then disabled): the verdict tells either way.
  const button = page.locator('[data-testid="run-to-end"]');
  if (await button.isEnabled()) await button.click({ timeout: 5_000 }).catch(() => {});
  await page.waitForFunction(
    ([selector, pattern]) => new RegExp(pattern).test(document.querySelector(selector)?.textContent ?? ''),
    [VERDICT, expected.source],
    { timeout: 20_000 },
  );
  return page.textContent(VERDICT);
}

/** The lines of `after` that differ from `before` (both with as many lines). */
function changedLines(before, after) {
  const a = before.split('\n');
  const b = after.split('\n');
  assert.equal(a.length, b.length, `the text kept its lines:\n${after}`);
  return b.filter((line, i) => line !== a[i]).map((line) => line.trim());
}

test('a pasted definition that exceeds its tolerance fails; raising it in the form makes it succeed', async () => {
  const page = await openPage();
  await page.fill(EDITOR, FAILING);
  await page.waitForSelector('[data-testid="no-diagnostics"]');
  await showTab(page, 'scenario');
  await page.fill(SCENARIO_EDITOR, SCENARIO);
  await page.waitForSelector('[data-testid="scenario-ok"]');
  const failed = await runToEnd(page, /FAILED/);
  assert.match(failed, /States\.ExceedToleratedFailureThreshold/);
  await screenshot('edit-pasted-definition-fails');

  await showTab(page, 'settings');
  assert.equal(await page.inputValue(TOLERATED_COUNT), '20');
  await page.fill(TOLERATED_COUNT, '40');
  const edited = await page.inputValue(EDITOR);
  assert.deepEqual(changedLines(FAILING, edited), ['"ToleratedFailureCount": 40,'], 'only the tolerance changed');
  await screenshot('edit-tolerance-raised-in-the-form');
  const succeeded = await runToEnd(page, /SUCCEEDED/);
  assert.match(succeeded, /SUCCEEDED with 30 failed items/);
  await screenshot('edit-tolerance-raised-succeeds');

  // Editing the text updates the form.
  await showTab(page, 'definition');
  await page.fill(EDITOR, edited.replace('"ToleratedFailureCount": 40', '"ToleratedFailureCount": 7'));
  await showTab(page, 'settings');
  assert.equal(await page.inputValue(TOLERATED_COUNT), '7');
});

test('a retrier edited in the form keeps the YAML layout, and a bad value is shown where it is', async () => {
  const page = await openPage();
  const yaml = FAILING_YAML;
  await page.fill(EDITOR, yaml);
  await page.waitForSelector('[data-testid="no-diagnostics"]');
  await showTab(page, 'settings');
  await page.click('[data-testid="state-settings"][data-state="Resize"] summary');
  const backoff = '[data-pointer="/States/ResizeAll/ItemProcessor/States/Resize/Retry/0/BackoffRate"]';
  await page.fill(backoff, '0.5');
  const edited = await page.inputValue(EDITOR);
  assert.deepEqual(changedLines(yaml, edited), ['BackoffRate: 0.5   # doubles each time']);
  const issue = page.locator('[data-testid="retrier"] .form-issue').first();
  await issue.waitFor();
  assert.match(await issue.textContent(), /BackoffRate/);
  await issue.scrollIntoViewIfNeeded();
  await screenshot('edit-retrier-backoff-invalid');

  await page.click('[data-testid="state-settings"][data-state="Resize"] [data-testid="add-retrier"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-state="Resize"] [data-testid="retrier"]').length === 2);
  await page.fill(backoff, '2');
  await page.click('[data-state="Resize"] [data-testid="retrier"] >> nth=1 >> [data-testid="move-up"]');
  const moved = await page.inputValue(EDITOR);
  assert.ok(moved.indexOf('States.ALL') < moved.indexOf('Lambda.ServiceException'), moved);
  assert.match(moved, /# doubles each time/, 'the comment stays with its retrier');
  await screenshot('edit-retrier-added-and-moved');
});


test('broken JSON in either document is reported at its line and the page keeps working', async () => {
  const page = await openPage();
  await page.fill(EDITOR, FAILING.replace('"MaxConcurrency": 50,', '"MaxConcurrency": 50,,'));
  const diagnostic = page.locator('[data-testid="diagnostic"]').first();
  await diagnostic.waitFor();
  assert.equal(await diagnostic.getAttribute('data-line'), '8', 'the line of the double comma');
  await showTab(page, 'settings');
  await page.waitForSelector('[data-testid="settings-unavailable"]');
  await screenshot('edit-settings-while-definition-is-broken');

  await showTab(page, 'scenario');
  await page.fill(SCENARIO_EDITOR, '{\n  "seed": 11,\n  "items": { "count": },\n}');
  const problem = page.locator('[data-testid="scenario-problem"]').first();
  await problem.waitFor();
  assert.equal(await problem.getAttribute('data-line'), '3');
  assert.match(await problem.textContent(), /3:\d+/);
  await page.waitForSelector('[data-testid="scenario-form-unavailable"]');
  await screenshot('edit-broken-scenario-json');

  // Fixing both brings everything back.
  await page.fill(SCENARIO_EDITOR, SCENARIO);
  await page.waitForSelector('[data-testid="scenario-ok"]');
  await showTab(page, 'definition');
  await page.fill(EDITOR, FAILING);
  await page.waitForSelector('[data-testid="no-diagnostics"]');
  await showTab(page, 'settings');
  assert.equal(await page.inputValue(TOLERATED_COUNT), '20');
});

test('a definition opened with the file input replaces the text; a file that is not UTF-8 does not', async () => {
  const page = await openPage();
  await page.setInputFiles('[data-testid="file-input"]', {
    name: 'resize.asl.yaml',
    mimeType: 'application/x-yaml',
    buffer: Buffer.from(FAILING_YAML, 'utf8'),
  });
  await page.waitForFunction(
    ([selector, text]) => document.querySelector(selector)?.value === text,
    [EDITOR, FAILING_YAML],
  );
  assert.match(await page.textContent('[data-testid="source-format"]'), /YAML/);
  await screenshot('load-file-opened');

  const latin1 = Buffer.concat([Buffer.from('{\n  "Comment": "caf'), Buffer.from([0xe9]), Buffer.from('"\n}')]);
  await page.setInputFiles('[data-testid="file-input"]', { name: 'latin1.json', mimeType: 'application/json', buffer: latin1 });
  const notice = page.locator('[data-testid="notice"]');
  await notice.waitFor();
  assert.match(await notice.textContent(), /latin1\.json.*not valid UTF-8.*line 2, column 18/);
  assert.equal(await page.inputValue(EDITOR), FAILING_YAML, 'the editor kept its text');
  await screenshot('load-file-not-utf8');
});

test('a template with two state machines offers a picker, and the picked one is read', async () => {
  const page = await openPage();
  await page.fill(EDITOR, TEMPLATE);
  const picker = '[data-testid="machine-picker"]';
  await page.waitForSelector(picker);
  assert.deepEqual(
    await page.$$eval(`${picker} option`, (options) => options.map((o) => o.value)),
    ['Ingest', 'Nightly'],
  );
  await showTab(page, 'settings');
  await page.waitForSelector('[data-testid="settings"]');
  assert.equal(await page.locator(TOLERATED_COUNT).count(), 0, 'Ingest has no Distributed Map');
  await showTab(page, 'definition');
  await screenshot('load-template-picker');

  await page.selectOption(picker, 'Nightly');
  await showTab(page, 'settings');
  await page.waitForSelector(TOLERATED_COUNT);
  assert.equal(await page.inputValue('[data-testid="tolerated-failure-percentage"]'), '10');
  await page.fill('[data-testid="tolerated-failure-percentage"]', '25');
  const edited = await page.inputValue(EDITOR);
  assert.deepEqual(changedLines(TEMPLATE, edited), ['ToleratedFailurePercentage: 25']);
  await screenshot('load-template-second-machine-settings');
});
