// End-to-end tests of keeping, sharing, the examples and the languages: a reload keeps the
// work; a share link opened in a fresh browser restores the same run (same verdict); a broken
// link says why and loses nothing; 日本語 changes the page and survives a reload; the gallery
// opens each example, whose run fails as its story tells until "Apply the fix" makes it succeed.
// Imported by run.mjs, which runs every test file with the shared harness.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { EDITOR, current, distDir, openPage, screenshot, server } from './harness.mjs';

const VERDICT = '[data-testid="verdict"]';
const NOTICE = '[data-testid="keep-notice"]';
const WORK_KEY = 'mapsim.work.v1';

// The examples and what their runs end in (the same stories src/examples.rs tests natively).
const STORIES = [
  ['order-processing', 'States.ExceedToleratedFailureThreshold'],
  ['basic-retries', 'States.ExceedToleratedFailureThreshold'],
  ['throttled-lambda', 'States.ExceedToleratedFailureThreshold'],
  ['csv-to-dynamodb', 'States.ExceedToleratedFailureThreshold'],
  ['s3-nested-maps', 'States.ExceedToleratedFailureThreshold'],
  ['express-batches', 'States.ExceedToleratedFailureThreshold'],
  ['jsonata-data-collection', 'DataCollectionFailed'],
];

/**
 * Runs the current documents until the verdict matches `pattern` (by default, any final
 * verdict) and returns its text. The playback keeps its position across edits, so a rebuilt run
 * may already be at its end; run-to-end is clicked whenever it is enabled.
 */
async function runUntil(page, pattern = /SUCCEEDED|FAILED|TIMED_OUT|ABORTED/) {
  const deadline = Date.now() + 60_000;
  const button = page.locator('[data-testid="run-to-end"]');
  while (Date.now() < deadline) {
    const text = ((await page.textContent(VERDICT)) ?? '').trim();
    if (pattern.test(text)) return text;
    if (await button.isEnabled()) await button.click({ timeout: 1_000 }).catch(() => {});
    await page.waitForTimeout(100);
  }
  throw new Error(`the verdict never matched ${pattern}: ${await page.textContent(VERDICT)}`);
}

/** What local storage keeps under the work key (null when nothing). */
async function storedWork(page) {
  return page.evaluate((key) => localStorage.getItem(key), WORK_KEY);
}

/** Waits until the kept work holds `text` as its definition. */
async function waitUntilKept(page, text) {
  await page.waitForFunction(
    ([key, expected]) => JSON.parse(localStorage.getItem(key) ?? 'null')?.definition === expected,
    [WORK_KEY, text],
    { timeout: 5_000 },
  );
}

/** The order-processing example with another count tolerance: a change of the user's own. */
async function editTheDefinition(page) {
  const original = await page.inputValue(EDITOR);
  const edited = original.replace('"ToleratedFailureCount": 10', '"ToleratedFailureCount": 12');
  assert.notEqual(edited, original, 'the default example has the field this test edits');
  await page.fill(EDITOR, edited);
  return edited;
}

/** Makes a share link with the Share button; returns it. */
async function shareLink(page) {
  await page.click('[data-testid="share-button"]');
  const input = page.locator('[data-testid="share-link"]');
  await input.waitFor();
  return input.inputValue();
}

test('a reload keeps the work, and only a change is written', async () => {
  const page = await openPage();
  await page.waitForSelector('[data-testid="story"]');
  // Opening the page writes nothing: the untouched example needs no keeping.
  await page.waitForTimeout(800);
  assert.equal(await storedWork(page), null, 'nothing is kept before a change');
  assert.equal(await page.evaluate(() => localStorage.length), 0, 'nothing at all is written on opening');

  const edited = await editTheDefinition(page);
  await waitUntilKept(page, edited);
  await screenshot('keep-edited-before-reload');

  await page.reload();
  await page.waitForSelector(EDITOR);
  assert.equal(await page.inputValue(EDITOR), edited, 'the edited definition survived the reload');
  assert.match(await page.textContent('.panel-subtitle'), /edited/);
  await screenshot('keep-after-reload');
});

test('a share link opened in a fresh browser restores exactly the same run', async () => {
  const page = await openPage();
  await current.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
  const edited = await editTheDefinition(page);
  const verdict = await runUntil(page);
  assert.match(verdict, /FAILED/);

  const link = await shareLink(page);
  assert.ok(link.startsWith(server.url), `the link is the page's own address: ${link}`);
  assert.match(link, /#v1=[A-Za-z0-9_-]+$/);
  await page.waitForSelector('[data-testid="share-status"][data-copied="true"]');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link, 'the link is on the clipboard');
  await screenshot('share-link-copied');

  // A fresh browser context: no storage, nothing but the link.
  const scenario = await page.inputValue('[data-testid="scenario-editor"]');
  const opened = await openPage(link);
  assert.equal(await opened.inputValue(EDITOR), edited, 'the shared definition');
  assert.equal(await opened.inputValue('[data-testid="scenario-editor"]'), scenario, 'the shared scenario');
  assert.equal(await opened.getAttribute(NOTICE, 'data-kind'), 'link-opened');
  assert.equal(new URL(opened.url()).hash, '', 'the link data left the address bar');
  assert.equal(await runUntil(opened), verdict, 'the same run, to the same verdict');
  await screenshot('share-link-opened-same-verdict');
});

test('a malformed link says what is wrong and loses nothing', async () => {
  const page = await openPage();
  const edited = await editTheDefinition(page);
  await waitUntilKept(page, edited);
  const kept = await storedWork(page);
  const good = await shareLink(page);
  await page.keyboard.press('Escape');

  const data = good.split('#v1=')[1];
  const cases = [
    ['damaged', `#v1=${data.slice(0, Math.floor(data.length / 2))}`, /damaged|cut short/],
    ['version', `#v7=${data}`, /format v7/],
    ['character', `#v1=${data}%22)`, /character \d+/],
    ['too-long', `#v1=${'A'.repeat(70_000)}`, /65536/],
  ];
  for (const [name, fragment, reason] of cases) {
    await page.goto(server.url + fragment);
    await page.reload();
    await page.waitForSelector(NOTICE);
    assert.equal(await page.getAttribute(NOTICE, 'data-kind'), 'link-rejected', name);
    const text = await page.textContent(NOTICE);
    assert.match(text, /could not be opened/, name);
    assert.match(text, reason, name);
    assert.match(text, /Nothing was lost/, name);
    assert.equal(await page.inputValue(EDITOR), edited, `${name}: the previous work is on the page`);
    assert.equal(await storedWork(page), kept, `${name}: the kept work is untouched`);
    if (name === 'damaged') await screenshot('malformed-link-message');
  }
  await page.click('[data-testid="keep-current-work"]');
  assert.equal(await page.locator(NOTICE).count(), 0, 'the message is gone');
  assert.equal(await page.inputValue(EDITOR), edited);
});

test('a browser that refuses storage gets one quiet notice, and the page goes on working', async () => {
  const page = await openPage();
  // As a full quota (or storage disabled) does: every write throws.
  await page.evaluate(() => {
    Storage.prototype.setItem = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  });
  await editTheDefinition(page);
  await page.waitForSelector(`${NOTICE}[data-kind="storage-failed"]`);
  assert.match(await page.textContent(NOTICE), /does not let the page keep your work/);
  await screenshot('storage-refused');
  // Later writes fail too, without a second notice; the page still runs.
  await page.fill(EDITOR, (await page.inputValue(EDITOR)).replace('"MaxConcurrency": 50', '"MaxConcurrency": 40'));
  await page.waitForTimeout(800);
  assert.equal(await page.locator(NOTICE).count(), 1);
  assert.match(await runUntil(page), /FAILED|SUCCEEDED/);
});

test('日本語 changes the page text, and the choice survives a reload', async () => {
  const page = await openPage();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  const english = await page.textContent('header.app-header');
  await page.click('[data-testid="lang-ja"]');
  await page.waitForFunction(() => document.documentElement.lang === 'ja');
  const japanese = await page.textContent('header.app-header');
  assert.notEqual(japanese, english);
  assert.match(japanese, /例題/);
  assert.match(await page.textContent('[data-testid="definition-status"]'), /有効な定義/);
  assert.equal(await page.getAttribute('[data-testid="lang-ja"]', 'aria-pressed'), 'true');
  await screenshot('japanese');

  await page.reload();
  await page.waitForSelector(EDITOR);
  assert.equal(await page.getAttribute('html', 'lang'), 'ja');
  assert.match(await page.textContent('header.app-header'), /例題/);

  // A trainer's link can ask for a language; it wins over the remembered one, for this visit.
  await page.goto(`${server.url}?lang=en`);
  await page.waitForSelector(EDITOR);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.goto(server.url);
  await page.waitForSelector(EDITOR);
  assert.equal(await page.getAttribute('html', 'lang'), 'ja', 'the switch is remembered, not the link');
  const trainer = await openPage(`${server.url}?lang=ja`);
  assert.equal(await trainer.getAttribute('html', 'lang'), 'ja');
  assert.match(await trainer.textContent('[data-testid="examples-button"]'), /例題/);
});

test('the gallery opens every example; each fails as its story tells until the fix is applied', async () => {
  const page = await openPage();
  for (const [id, error] of STORIES) {
    await page.click('[data-testid="examples-button"]');
    await page.waitForSelector('[data-testid="examples-gallery"]');
    if (id === 'order-processing') await screenshot('gallery');
    await page.click(`[data-testid="gallery-open-${id}"]`);
    assert.equal(await page.locator('[data-testid="examples-gallery"]').count(), 0, `${id}: the gallery closed`);
    const file = await readFile(join(distDir, 'examples', `${id}.asl.json`), 'utf8');
    assert.equal(await page.inputValue(EDITOR), file, `${id}: the example's definition`);
    assert.equal(await page.getAttribute('[data-testid="story"]', 'data-fix'), 'available');

    const before = await runUntil(page, /FAILED/);
    assert.match(before, /FAILED/, `${id}: ${before}`);
    assert.ok(before.includes(error), `${id}: ${before} names ${error}`);
    if (id === 'basic-retries') {
      await page.click('[data-testid="story-toggle"]');
      await page.waitForSelector('[data-testid="story-details"]');
      await screenshot('story-failing-run');
    }

    await page.click('[data-testid="apply-fix"]');
    await page.waitForSelector('[data-testid="story"][data-fix="applied"]');
    assert.notEqual(await page.inputValue(EDITOR), file, `${id}: the fix changed the definition`);
    const after = await runUntil(page, /SUCCEEDED/);
    assert.match(after, /SUCCEEDED/, `${id}: ${after}`);
    if (id === 'basic-retries') await screenshot('story-fixed-run');
  }

  // "Show the failing run again" brings back the example as shipped.
  await page.click('[data-testid="reopen-example"]');
  await page.waitForSelector('[data-testid="story"][data-fix="available"]');
  assert.match(await runUntil(page, /FAILED/), /FAILED/);
});

test('the gallery and the help work from the keyboard', async () => {
  const page = await openPage();
  await page.focus('[data-testid="examples-button"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid="examples-gallery"]');
  // Focus moved into the dialog, onto the first example.
  assert.equal(
    await page.evaluate(() => document.activeElement?.dataset.testid),
    'gallery-open-order-processing',
  );
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('[data-testid="examples-gallery"]').count(), 0);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'examples-button');

  // `?` outside a text field opens the keyboard help; Esc closes it.
  await page.keyboard.press('?');
  await page.waitForSelector('[data-testid="help-popover"]');
  assert.match(await page.textContent('[data-testid="help-popover"]'), /Play \/ pause/);
  await screenshot('keyboard-help');
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid="help-popover"]', { state: 'detached', timeout: 5_000 });
  assert.equal(await page.locator('[data-testid="help-popover"]').count(), 0);
});
