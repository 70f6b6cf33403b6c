// Throughput of mapsim beside aws-local-stepfunctions on the same Inline Map workload.
//
//   node bench/local-stepfunctions/compare.mjs [--items 1000] [--repeat 100] [--warmup 20] [--pgo]
//
// mapsim is measured as `cargo build --release` builds it and, with `--pgo`, also as
// scripts/pgo.sh builds it (profile-guided optimization; the script runs first, about two
// minutes; `--pgo-built` measures the build it made last). Both figures are printed, each with
// its ratio.
//
// The workload is mapsim's reference workload in INLINE mode (inline.asl.json): three Lambda
// Tasks per item, each failing 5 % of its attempts with Lambda.ServiceException (retried with
// exponential backoff and FULL jitter), and 0.5 % of items failing Validate for good with
// DataValidationError (caught to a handler). aws-local-stepfunctions runs the ASL in Node with
// local functions standing in for the Lambdas and every retry wait zeroed
// (`retryIntervalOverrides`); mapsim simulates the same definition and fault model in virtual
// time (inline.scenario.json). Both report items per second of wall time.
//
// Both sides do the same work, so that the figures compare item throughput and nothing else:
// - the definition is read and validated once, outside the timings (mapsim's `asl::load` in the
//   throughput example; one `StateMachine` here, whose constructor validates the definition in
//   about 70 ms — more than half of an execution's time when it was built for every execution);
//   every execution is then set up from it and run (`Simulation::new` + `run` / `machine.run`);
// - `--warmup` untimed executions first (Node compiles the interpreter's hot paths as it goes —
//   its rate nearly doubles over the first few dozen executions — so timing from a cold start
//   would understate it), then `--repeat` timed ones, seeds 1…R. mapsim runs ten times as
//   many timed executions (seeds 1…10R) so that its timing lasts about as long as Node's
//   (a second or more) instead of a tenth of a second that a burst of other work on the shared
//   cores can distort; each execution's cost is the same whatever the count.
//
// A benchmark, not a test: it measures and prints, it asserts nothing.

import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// aws-local-stepfunctions 3 is written for Node 22; Node 20 lacks this one function it uses.
if (!Promise.withResolvers) {
  Promise.withResolvers = function withResolvers() {
    let resolvePromise;
    let rejectPromise;
    const promise = new Promise((res, rej) => {
      resolvePromise = res;
      rejectPromise = rej;
    });
    return { promise, resolve: resolvePromise, reject: rejectPromise };
  };
}
const { StateMachine } = await import('aws-local-stepfunctions');

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const nItems = arg('--items', 1000);
const repeat = arg('--repeat', 100);
const warmup = arg('--warmup', 20);

const definition = JSON.parse(readFileSync(join(here, 'inline.asl.json'), 'utf8'));
const taskNames = ['Validate', 'Transform', 'Store'];

// A small seeded generator (mulberry32) so both runs of this script draw the same faults.
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function lambdaError(name, cause) {
  const error = new Error(cause);
  error.name = name;
  return error;
}

const machine = new StateMachine(definition, {
  validationOptions: { checkArn: true, checkPaths: true },
});

async function runLocalStepFunctions(seed) {
  const random = generator(seed);
  const badItems = new Set();
  while (badItems.size < Math.round(nItems * 0.005)) badItems.add(Math.floor(random() * nItems));
  const handler = (task) => (input) => {
    if (task === 'Validate' && badItems.has(input.index)) {
      throw lambdaError('DataValidationError', 'the item does not match the schema');
    }
    if (random() < 0.05) throw lambdaError('Lambda.ServiceException', 'transient');
    return input;
  };
  const items = Array.from({ length: nItems }, (_, index) => ({ index }));
  const execution = machine.run(
    { items },
    {
      overrides: {
        taskResourceLocalHandlers: Object.fromEntries(taskNames.map((t) => [t, handler(t)])),
        retryIntervalOverrides: Object.fromEntries(taskNames.map((t) => [t, 0])),
      },
    },
  );
  await execution.result;
}

console.log('mapsim vs aws-local-stepfunctions — the reference workload as an Inline Map');
console.log(`${nItems} items per execution, ${warmup} untimed executions then ${repeat} timed (mapsim: ${repeat * 10}); 3 Lambda Tasks per item; 5 % transient errors retried, 0.5 % caught`);

for (let seed = 1; seed <= warmup; seed++) await runLocalStepFunctions(1_000_000 + seed);
const started = performance.now();
for (let seed = 1; seed <= repeat; seed++) await runLocalStepFunctions(seed);
const localSeconds = (performance.now() - started) / 1000;
const localRate = (repeat * nItems) / localSeconds;
console.log(`aws-local-stepfunctions 3.0.0 (Node ${process.version}, retry waits zeroed): ${(repeat * nItems).toLocaleString('en')} items in ${localSeconds.toFixed(3)} s = ${Math.round(localRate).toLocaleString('en')} items/s`);

const workload = [
  join(here, 'inline.asl.json'), join(here, 'inline.scenario.json'),
  '--items', String(nItems), '--repeat', String(repeat * 10), '--warmup', String(warmup),
];
const report = (build, output) => {
  console.log(`${build}: ${output.trim()}`);
  const rate = Number(/= (\d+) items\/s/.exec(output)?.[1]);
  console.log(`ratio (${build}): mapsim simulates ${(rate / localRate).toFixed(0)}× the items per second of aws-local-stepfunctions on this workload (target ≥ 100×)`);
};

report('cargo build --release', execFileSync(
  'cargo',
  ['run', '--quiet', '--release', '-p', 'engine', '--example', 'throughput', '--', ...workload],
  { cwd: repo, encoding: 'utf8' },
));

if (process.argv.includes('--pgo') || process.argv.includes('--pgo-built')) {
  if (process.argv.includes('--pgo')) {
    execFileSync(join(repo, 'scripts', 'pgo.sh'), [], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const targetDir = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(repo, 'target');
  report('scripts/pgo.sh (PGO)', execFileSync(
    join(targetDir, 'pgo', 'release', 'examples', 'throughput'), workload, { cwd: repo, encoding: 'utf8' },
  ));
}
