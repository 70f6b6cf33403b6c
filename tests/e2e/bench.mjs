// The page benchmark: measures the release build in headless Chromium and prints the figures.
// A benchmark, not a test: it asserts nothing, it measures and prints (scripts/bench.sh runs it
// after building, together with the engine's native benchmark).
//
//   node tests/e2e/bench.mjs [--dist DIR] [--only load,size,frames,run,sweep]
//
// 1. load: navigation start → the run view shows a run (`performance.mark("mapsim:run-view-ready")`),
//    median of 5 fresh page loads on localhost;
// 2. size: the first load (the page's wasm, JS and CSS), raw and gzipped (level 9), and the
//    sweep's worker module apart;
// 3. frames: requestAnimationFrame intervals over 10 s while 100,000 items animate at 1,000×
//    with the item grid, charts and counters live (p50, p95, max);
// 4. run: run-to-end of the engine's 1,000,000-item reference workload in the page, and the
//    longest main-thread task meanwhile (the page's responsiveness);
// 5. sweep (only with `--only …,sweep`: it takes a minute or more): issue 14's 20 × 20 sweep of
//    the order-processing example with 20 seeds per cell (8,000 runs) in the Sweep tab's Web
//    Workers — the time to fill the heatmap and the frame intervals meanwhile.

import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

import { serveStatic } from './server.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const distDir = resolve(option('--dist', process.env.MAPSIM_DIST ?? join(repo, 'dist')));
const only = new Set(option('--only', 'load,size,frames,run').split(','));
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const EDITOR = '[data-testid="asl-editor"]';
const SCENARIO = '[data-testid="scenario-editor"]';
const PLAY = '[data-testid="play"]';
const VERDICT = '[data-testid="verdict"]';

const referenceDefinition = await readFile(join(repo, 'crates/engine/benches/reference/definition.asl.json'), 'utf8');
const referenceScenario = await readFile(join(repo, 'crates/engine/benches/reference/scenario.json'), 'utf8');

/** The reference workload at 100,000 items with slow tasks (30–60 s each), so that at 1,000×
 * it animates for about ten seconds instead of finishing in a few frames. */
function animationScenario() {
  const scenario = JSON.parse(referenceScenario);
  scenario.items = { count: 100000 };
  scenario.tasks.Validate.latency = { lognormal: { median_ms: 30000, p99_ms: 60000 } };
  scenario.tasks.Transform.latency = { lognormal: { median_ms: 40000, p99_ms: 80000 } };
  scenario.tasks.Store.latency = { uniform: { min_ms: 20000, max_ms: 40000 } };
  scenario.limits = { lambda_concurrency: 3000 };
  return JSON.stringify(scenario, null, 2);
}

/** The longest task on the renderer's main thread in a Chromium trace, in ms. */
function longestMainThreadTask(trace) {
  const events = trace.traceEvents ?? trace;
  const main = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  let longest = 0;
  for (const e of events) {
    if (e.ph === 'X' && (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') && main.has(`${e.pid}:${e.tid}`)) longest = Math.max(longest, (e.dur ?? 0) / 1000);
  }
  return longest;
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const ms = (value) => `${value.toFixed(1)} ms`;
const ms2 = (value) => `${value.toFixed(2)} ms`;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

// Cross-origin isolated, so that frame timestamps have 5 µs resolution (100 µs otherwise).
const server = await serveStatic(distDir, '/mapsim/', { isolated: true });
const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
const figures = [];
const say = (line) => {
  figures.push(line);
  console.log(line);
};

async function freshPage() {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return { context, page, errors };
}

/** Opens the page, puts the documents in the editors, and leaves the run paused at 0. */
async function pageWith(definition, scenario) {
  const opened = await freshPage();
  const { page } = opened;
  await page.goto(server.url);
  await page.waitForSelector(PLAY);
  await pause(page);
  await page.fill(EDITOR, definition);
  await page.click('[data-testid="tab-scenario"]');
  await page.fill(SCENARIO, scenario);
  await page.click('[data-testid="tab-definition"]');
  await page.waitForSelector('[data-testid="item-grid"]', { state: 'attached' });
  await pause(page);
  // Back to the start: a rebuilt run, paused at 0.
  await page.$eval('[data-testid="scrubber"]', (input) => {
    input.value = '0';
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.waitForFunction((selector) => document.querySelector(selector)?.dataset.state === 'paused', PLAY);
  return opened;
}

async function pause(page) {
  if ((await page.getAttribute(PLAY, 'data-state')) !== 'paused') await page.click(PLAY);
}

try {
  console.log(`mapsim page benchmark — ${distDir}`);
  console.log(`Chromium ${browser.version()} headless (software rendering, --disable-gpu), viewport 1440×900`);

  if (only.has('load')) {
    const times = [];
    for (let i = 0; i < 5; i += 1) {
      const { context, page } = await freshPage();
      await page.goto(server.url);
      await page.waitForFunction(() => performance.getEntriesByName('mapsim:run-view-ready').length > 0, null, {
        timeout: 30_000,
      });
      times.push(await page.evaluate(() => performance.getEntriesByName('mapsim:run-view-ready')[0].startTime));
      await context.close();
    }
    times.sort((a, b) => a - b);
    say(`load to interactive (navigation start → run view ready), median of 5: ${ms(quantile(times, 0.5))} (min ${ms(times[0])}, max ${ms(times.at(-1))}) — target ≤ 1000 ms`);
  }

  if (only.has('size')) {
    // The first load, as scripts/test.sh counts it: the page's own module (mapsim-web-*) and
    // its stylesheet. The sweep's worker module (sweep-worker*) loads on demand: said apart.
    const files = await readdir(distDir);
    const sizes = { wasm: [0, 0], js: [0, 0], css: [0, 0], worker: [0, 0] };
    for (const file of files) {
      const kind = file.startsWith('sweep-worker')
        ? 'worker'
        : file.endsWith('.css')
          ? 'css'
          : !file.startsWith('mapsim-web')
            ? null
            : file.endsWith('.wasm') ? 'wasm' : file.endsWith('.js') ? 'js' : null;
      if (!kind) continue;
      const bytes = await readFile(join(distDir, file));
      sizes[kind][0] += bytes.length;
      sizes[kind][1] += gzipSync(bytes, { level: 9 }).length;
    }
    const total = sizes.wasm[1] + sizes.js[1] + sizes.css[1];
    say(`size of the first load: wasm ${kb(sizes.wasm[0])} raw, ${kb(sizes.wasm[1])} gzipped; JS ${kb(sizes.js[0])} raw, ${kb(sizes.js[1])} gzipped; CSS ${kb(sizes.css[0])} raw, ${kb(sizes.css[1])} gzipped; total ${kb(total)} gzipped — target ≤ 800 KB; on demand, the sweep's worker: ${kb(sizes.worker[1])} gzipped`);
  }

  if (only.has('frames')) {
    const { context, page, errors } = await pageWith(referenceDefinition, animationScenario());
    await page.click('[data-testid="speed-1000"]');
    await page.click(PLAY);
    const result = await page.evaluate(
      (duration) =>
        new Promise((done) => {
          const stamps = [];
          const step = (now) => {
            stamps.push(now);
            if (now - stamps[0] < duration) requestAnimationFrame(step);
            else done(stamps);
          };
          requestAnimationFrame(step);
        }),
      10_000,
    );
    const isolated = await page.evaluate(() => self.crossOriginIsolated);
    const state = await page.getAttribute(PLAY, 'data-state');
    const clock = await page.textContent('[data-testid="virtual-clock"]');
    const cells = await page.getAttribute('[data-testid="item-grid"]', 'data-cells');
    const intervals = result.slice(1).map((t, i) => t - result[i]).sort((a, b) => a - b);
    const late = intervals.filter((interval) => interval > 25).length;
    say(
      `frames at 1,000× with ${Number(cells).toLocaleString('en')} items animating for 10 s: ${intervals.length} frames, ` +
        `p50 ${ms2(quantile(intervals, 0.5))}, p95 ${ms2(quantile(intervals, 0.95))}, max ${ms(intervals.at(-1))}, ` +
        `${late} over 25 ms (still ${state} at virtual ${clock}; timestamps at ${isolated ? '5 µs' : '100 µs'} resolution) — target p95 ≤ 16.7 ms`,
    );
    if (errors.length) say(`  page errors: ${errors.join('; ')}`);
    await context.close();
  }

  if (only.has('run')) {
    const { context, page, errors } = await pageWith(referenceDefinition, referenceScenario);
    const result = await page.evaluate(
      ([verdictSelector, buttonSelector]) =>
        new Promise((done) => {
          const tasks = [];
          const observer = new PerformanceObserver((list) => tasks.push(...list.getEntries().map((e) => e.duration)));
          observer.observe({ type: 'longtask' });
          const gaps = [];
          let last = performance.now();
          const frame = (now) => {
            gaps.push(now - last);
            last = now;
            if (!finished) requestAnimationFrame(frame);
          };
          let finished = false;
          requestAnimationFrame(frame);
          const verdict = document.querySelector(verdictSelector);
          const start = performance.now();
          const check = new MutationObserver(() => {
            const text = verdict.textContent;
            if (/SUCCEEDED|FAILED|TIMED_OUT|ABORTED/.test(text)) {
              const elapsed = performance.now() - start;
              finished = true;
              check.disconnect();
              setTimeout(() => {
                observer.disconnect();
                done({ elapsed, text, longest: Math.max(0, ...tasks), longTasks: tasks.length, longestGap: Math.max(0, ...gaps) });
              }, 50);
            }
          });
          check.observe(verdict, { subtree: true, childList: true, characterData: true });
          document.querySelector(buttonSelector).click();
        }),
      [VERDICT, '[data-testid="run-to-end"]'],
    );
    const cells = await page.getAttribute('[data-testid="item-grid"]', 'data-cells');
    say(
      `run-to-end of the reference workload (${Number(cells).toLocaleString('en')} items) in the page: ${ms(result.elapsed)} — target ≤ 2500 ms`,
    );
    // Again from the start, traced, for the longest task on the page's main thread (the long-task
    // API only reports tasks over 50 ms).
    await page.$eval('[data-testid="scrubber"]', (input) => {
      input.value = '0';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.waitForFunction((selector) => document.querySelector(selector)?.dataset.state === 'paused', PLAY);
    const tracePath = join(repo, 'target', 'bench-run-to-end.trace.json');
    await browser.startTracing(page, { path: tracePath, categories: ['toplevel', 'devtools.timeline'] });
    await page.click('[data-testid="run-to-end"]');
    await page.waitForFunction(
      (selector) => /SUCCEEDED|FAILED|TIMED_OUT|ABORTED/.test(document.querySelector(selector)?.textContent ?? ''),
      VERDICT,
      { timeout: 60_000 },
    );
    await browser.stopTracing();
    const longest = longestMainThreadTask(JSON.parse(await readFile(tracePath, 'utf8')));
    say(
      `  responsiveness meanwhile: longest main-thread task ${ms(longest)} (traced run); ${result.longTasks} tasks over 50 ms and ` +
        `a longest gap of ${ms(result.longestGap)} between animation frames (untraced run)`,
    );
    say(`  verdict: ${result.text.replace(/\s+/g, ' ').trim()}`);
    if (errors.length) say(`  page errors: ${errors.join('; ')}`);
    await context.close();
  }
  if (only.has('sweep')) {
    const { context, page } = await freshPage();
    await page.goto(server.url);
    await page.click('[data-testid="examples-button"]');
    await page.click('[data-testid="gallery-open-order-processing"]');
    await page.waitForSelector(VERDICT);
    await pause(page);
    await page.click('[data-testid="detail-tab-sweep"]');
    const axis = async (slot, name, from, to, step) => {
      await page.selectOption(`[data-testid="sweep-axis-${slot}-field"]`, name);
      await page.fill(`[data-testid="sweep-axis-${slot}-from"]`, String(from));
      await page.fill(`[data-testid="sweep-axis-${slot}-to"]`, String(to));
      await page.fill(`[data-testid="sweep-axis-${slot}-step"]`, String(step));
    };
    await axis(0, '/States/ProcessOrders/ToleratedFailureCount', 0, 38, 2);
    await axis(1, 'scenario:/tasks/ChargePayment/faults/0/probability', 0, 0.095, 0.005);
    await page.fill('[data-testid="sweep-seeds"]', '20');
    await page.click('[data-testid="sweep-start"]');
    // A sweep estimated over a minute asks first.
    const confirm = await page.waitForSelector('[data-testid="sweep-confirm-start"]', { timeout: 5000 }).catch(() => null);
    await page.evaluate(() => {
      window.__frames = [];
      let last = performance.now();
      const tick = (now) => {
        window.__frames.push(now - last);
        last = now;
        if (!window.__stopFrames) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      window.__sweepStart = performance.now();
    });
    if (confirm) await confirm.click();
    await page.waitForFunction(() => {
      const p = document.querySelector('[data-testid="sweep-progress"]');
      return p && p.dataset.total === '400' && p.dataset.done === '400';
    }, null, { timeout: 1_800_000, polling: 250 });
    const { elapsed, frames } = await page.evaluate(() => {
      window.__stopFrames = true;
      return { elapsed: performance.now() - window.__sweepStart, frames: window.__frames.slice(2).sort((a, b) => a - b) };
    });
    const p95 = frames[Math.floor(frames.length * 0.95)] ?? 0;
    const workers = await page.evaluate(() => navigator.hardwareConcurrency);
    say(
      `sweep in the page: 20 × 20 cells × 20 seeds (8,000 runs) of order-processing at 1,000 items on ${workers} workers: ${ms(elapsed)} — target ≤ 10000 ms; ` +
        `frames meanwhile: p95 ${ms(p95)} (target ≤ 16.7 ms), max ${ms(frames.at(-1) ?? 0)}`,
    );
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
