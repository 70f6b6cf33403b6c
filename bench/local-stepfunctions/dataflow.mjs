// The data-flow workloads of bench/dataflow beside aws-local-stepfunctions: the ones it can run
// (Inline Maps; JSONPath, and JSONata where it has it), at the same three item sizes.
//
//   node bench/local-stepfunctions/dataflow.mjs [--items 1000] [--repeat 10] [--warmup 5] [--only NAME]
//
// Each side runs the same definition on the same items (made here exactly as
// crates/engine/examples/dataflow.rs makes them: the fields the workloads read, padded to about
// 100 B, 1 KB and 10 KB). aws-local-stepfunctions runs the ASL in Node with local functions
// standing in for the Lambdas — each returns its input, and `work` fails with BadItem for 5 % of
// the items, as the scenario's fault says — and mapsim simulates it (`--only NAME` of the
// example, at least a second per size). Both report items per second of wall time; each
// (workload, size) of aws-local-stepfunctions runs in a fresh Node process (its heap grows with
// every execution, and its rate falls as it does: see compare.mjs), `--warmup` untimed
// executions first.
//
// A benchmark, not a test: it measures and prints, it asserts nothing.

import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import './node20.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const nItems = Number(arg('--items', 1000));
const repeat = Number(arg('--repeat', 10));
const warmup = Number(arg('--warmup', 5));
const only = arg('--only', null);

const WORKLOADS = ['pass-through', 'pass-result-path', 'catch-error-path', 'task-parameters', 'jsonata'];
const SIZES = [100, 1000, 10000];

// The item of crates/engine/examples/dataflow.rs, byte for byte.
function item(i, size) {
  const it = {
    index: i,
    id: `item-${String(i).padStart(6, '0')}`,
    name: `name ${i}`,
    tags: ['red', 'green', 'blue'],
    meta: '{"weight":3,"fragile":false}',
    pad: '',
  };
  it.pad = 'x'.repeat(Math.max(0, size - JSON.stringify(it).length));
  return it;
}

function badItem(cause) {
  const error = new Error(cause);
  error.name = 'BadItem';
  return error;
}

// One (workload, size) of aws-local-stepfunctions in this fresh process: prints its rate, or
// why it cannot run it.
if (process.argv.includes('--local-round')) {
  const { StateMachine } = await import('aws-local-stepfunctions');
  const name = arg('--workload');
  const size = Number(arg('--size'));
  const definition = JSON.parse(readFileSync(join(repo, 'bench', 'dataflow', `${name}.asl.json`), 'utf8'));
  let machine;
  try {
    machine = new StateMachine(definition, { validationOptions: { checkArn: true, checkPaths: true } });
  } catch (e) {
    console.log(`unsupported: ${String(e.message ?? e).split('\n')[0]}`);
    process.exit(0);
  }
  const items = Array.from({ length: nItems }, (_, i) => item(i, size));
  // 5 % of the items, spread evenly (the scenario's fraction; which ones does not change the work).
  const bad = new Set(Array.from({ length: Math.round(nItems * 0.05) }, (_, k) => k * 20));
  const echo = (input) => input;
  const handlers = {
    Work: (input) => {
      if (bad.has(input.index)) throw badItem('the item is malformed');
      return input;
    },
    Prepare: echo,
    Publish: echo,
  };
  const once = async () => {
    const execution = machine.run({ items }, { overrides: { taskResourceLocalHandlers: handlers } });
    await execution.result;
  };
  try {
    for (let k = 0; k < warmup; k++) await once();
    const started = performance.now();
    for (let k = 0; k < repeat; k++) await once();
    const seconds = (performance.now() - started) / 1000;
    console.log(String((repeat * nItems) / seconds));
  } catch (e) {
    console.log(`failed: ${String(e.message ?? e).split('\n')[0]}`);
  }
  process.exit(0);
}

execFileSync('cargo', ['build', '--quiet', '--release', '-p', 'engine', '--example', 'dataflow'], { cwd: repo, stdio: 'inherit' });
const targetDir = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(repo, 'target');
const binary = join(targetDir, 'release', 'examples', 'dataflow');
const fmt = (rate) => Math.round(rate).toLocaleString('en');

console.log('mapsim vs aws-local-stepfunctions — the data-flow workloads it can run (Inline Maps)');
console.log(`${nItems} items per execution; aws-local-stepfunctions 3.0.0 (Node ${process.version}): ${warmup} untimed, then ${repeat} timed executions per size, each size in a fresh process; mapsim: at least 1 s per size`);
console.log(`${'workload'.padEnd(20)} ${'item B'.padStart(7)} ${'aws-local-sfn/s'.padStart(16)} ${'mapsim/s'.padStart(12)} ${'ratio'.padStart(8)}`);
const reasons = new Set();
for (const name of WORKLOADS) {
  if (only && only !== name) continue;
  const ours = execFileSync(binary, ['--only', name, '--min-seconds', '1', '--items', String(nItems)], { cwd: repo, encoding: 'utf8' });
  const mapsimRate = new Map();
  for (const line of ours.split('\n')) {
    const cells = line.trim().split(/\s+/);
    if (cells[0] === name && cells.length >= 4) mapsimRate.set(Number(cells[1]), Number(cells[3]));
  }
  for (const size of SIZES) {
    const local = execFileSync(
      process.execPath,
      [fileURLToPath(import.meta.url), '--local-round', '--workload', name, '--size', String(size),
        '--items', String(nItems), '--repeat', String(repeat), '--warmup', String(warmup)],
      { cwd: repo, encoding: 'utf8' },
    ).trim();
    const rate = Number(local);
    const m = mapsimRate.get(size);
    const localText = Number.isFinite(rate) ? fmt(rate) : 'cannot run it';
    if (!Number.isFinite(rate)) reasons.add(`${name}: aws-local-stepfunctions ${local}`);
    const ratio = Number.isFinite(rate) && m ? `${(m / rate).toFixed(0)}×` : '—';
    console.log(`${name.padEnd(20)} ${String(size).padStart(7)} ${localText.padStart(16)} ${(m ? fmt(m) : '—').padStart(12)} ${ratio.padStart(8)}`);
  }
}
for (const reason of reasons) console.log(reason);
console.log('target: mapsim ≥ 150× the items per second of aws-local-stepfunctions on every workload it can run');
