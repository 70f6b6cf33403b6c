// Throughput of mapsim beside aws-local-stepfunctions on the same Inline Map workload.
//
//   node bench/local-stepfunctions/compare.mjs [--items 1000] [--repeat 100] [--warmup 20] [--rounds 3] [--pgo]
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
//   cores can distort; each execution's cost is the same whatever the count;
// - `--rounds` rounds, taken in turn (each mapsim build, then Node): a single round of Node
//   measured anywhere from 16,000 to 21,700 items/s on the same machine, so every round is
//   printed and the ratio is the median rate of mapsim over the median rate of Node;
// - each round of aws-local-stepfunctions runs in a fresh Node process. Its heap keeps about
//   2 MB per execution that no garbage collection frees (it grew from 250 MB to 1.3 GB over
//   600 executions, with `global.gc()` between rounds), and its rate falls as the heap grows
//   (22,300 → 14,700 items/s over those 600). A fresh process measures it at its best.
//
// A benchmark, not a test: it measures and prints, it asserts nothing.

import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import './node20.mjs';
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
const rounds = Math.max(1, arg('--rounds', 3));

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

async function runLocalStepFunctions(machine, seed) {
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

// One round of aws-local-stepfunctions alone, in this (fresh) process: prints its rate.
// Only this process needs the machine: the parent, which runs mapsim and reports, builds none.
if (process.argv.includes('--local-round')) {
  const machine = new StateMachine(definition, {
    validationOptions: { checkArn: true, checkPaths: true },
  });
  for (let seed = 1; seed <= warmup; seed++) await runLocalStepFunctions(machine, 1_000_000 + seed);
  const started = performance.now();
  for (let seed = 1; seed <= repeat; seed++) await runLocalStepFunctions(machine, seed);
  const seconds = (performance.now() - started) / 1000;
  console.log(String((repeat * nItems) / seconds));
  process.exit(0);
}

const pgo = process.argv.includes('--pgo') || process.argv.includes('--pgo-built');
const targetDir = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(repo, 'target');
execFileSync('cargo', ['build', '--quiet', '--release', '-p', 'engine', '--example', 'throughput'], { cwd: repo, stdio: 'inherit' });
if (process.argv.includes('--pgo')) {
  execFileSync(join(repo, 'scripts', 'pgo.sh'), [], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
}
const builds = [['cargo build --release', join(targetDir, 'release', 'examples', 'throughput')]];
if (pgo) builds.push(['scripts/pgo.sh (PGO)', join(targetDir, 'pgo', 'release', 'examples', 'throughput')]);

console.log('mapsim vs aws-local-stepfunctions — the reference workload as an Inline Map');
console.log(`${nItems} items per execution; ${rounds} rounds, each: every mapsim build (${warmup} untimed executions, then ${repeat * 10} timed), then aws-local-stepfunctions in a fresh Node process (${warmup} untimed, ${repeat} timed); 3 Lambda Tasks per item; 5 % transient errors retried, 0.5 % caught`);

const workload = [
  join(here, 'inline.asl.json'), join(here, 'inline.scenario.json'),
  '--items', String(nItems), '--repeat', String(repeat * 10), '--warmup', String(warmup),
];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (rate) => Math.round(rate).toLocaleString('en');

const localRates = [];
const rates = builds.map(() => []);
for (let round = 1; round <= rounds; round++) {
  // mapsim first: right after a Node process has released its heap, the machine is busy
  // handing that memory back for a moment, which slowed a mapsim run started then by up to a
  // third.
  builds.forEach(([, binary], i) => {
    const output = execFileSync(binary, workload, { cwd: repo, encoding: 'utf8' });
    rates[i].push(Number(/= (\d+) items\/s/.exec(output)?.[1]));
  });
  const local = execFileSync(
    process.execPath,
    [fileURLToPath(import.meta.url), '--local-round', '--items', String(nItems), '--repeat', String(repeat), '--warmup', String(warmup)],
    { cwd: repo, encoding: 'utf8' },
  );
  localRates.push(Number(local.trim()));
  const line = [`round ${round}: aws-local-stepfunctions ${fmt(localRates.at(-1))} items/s`];
  builds.forEach(([name], i) => {
    line.push(`${name} ${fmt(rates[i].at(-1))} (${(rates[i].at(-1) / localRates.at(-1)).toFixed(0)}×)`);
  });
  console.log(line.join(', '));
}
const localRate = median(localRates);
console.log(`aws-local-stepfunctions 3.0.0 (Node ${process.version}, retry waits zeroed): median ${fmt(localRate)} items/s`);
builds.forEach(([name], i) => {
  const rate = median(rates[i]);
  console.log(`${name}: median ${fmt(rate)} items/s`);
  console.log(`ratio (${name}): mapsim simulates ${(rate / localRate).toFixed(0)}× the items per second of aws-local-stepfunctions on this workload, median over median (target ≥ 100×)`);
});
