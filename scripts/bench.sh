#!/usr/bin/env bash
# Every performance figure of mapsim in one command: the page in headless Chromium (load to
# interactive, wasm + JS size, frame times while 100,000 items animate at 1,000×, run-to-end of
# the 1,000,000-item reference workload and the page's responsiveness meanwhile), the engine
# natively (10 k … 1 M items) as `cargo build --release` and as scripts/pgo.sh build it, and,
# when its packages are installed, mapsim (both builds) beside aws-local-stepfunctions. Prints
# figures; asserts nothing (BENCHMARKS.md records them).
#
#   scripts/bench.sh              # builds the page first (trunk build --release)
#   scripts/bench.sh --no-build   # measures the build in MAPSIM_DIST (default: dist/)
#
# Run it on a quiet machine: other builds on the same 2 cores show up in every figure.

set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# shellcheck source=scripts/setup.sh
source "$root/scripts/setup.sh" >/dev/null

build=1
for arg in "$@"; do
    case "$arg" in
    --no-build) build=0 ;;
    *)
        echo "usage: scripts/bench.sh [--no-build]" >&2
        exit 2
        ;;
    esac
done

target_dir="${CARGO_TARGET_DIR:-$root/target}"
dist="${MAPSIM_DIST:-$root/dist}"
if [[ $build == 1 ]]; then
    dist="$target_dir/bench-dist"
    echo "== building the page (trunk build --release → $dist)"
    trunk build --release --dist "$dist" >"$target_dir/bench-build.log" 2>&1 || {
        echo "the release build failed; see $target_dir/bench-build.log" >&2
        exit 1
    }
fi

echo "== machine"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') × $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) RAM"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$(rustc --version); node $(node --version); $(/usr/bin/chromium --version 2>/dev/null || echo 'chromium: not found')"

echo
echo "== the page"
node "$root/tests/e2e/bench.mjs" --dist "$dist"

echo
echo "== the engine, native (cargo run --release -p engine --example bench)"
cargo run --quiet --release -p engine --example bench

echo
echo "== monitoring, native (cargo run --release -p engine --example monitor_bench; insights' query_speed)"
cargo run --quiet --release -p engine --example monitor_bench
cargo run --quiet --release -p insights --example query_speed
echo
echo "== redrive, native (cargo run --release -p engine --example redrive_bench)"
cargo run --quiet --release -p engine --example redrive_bench
echo
echo "== data flow, native (cargo run --release -p engine --example dataflow: bench/dataflow's workloads at 100 B, 1 KB and 10 KB items)"
cargo run --quiet --release -p engine --example dataflow
echo
seeds="${MAPSIM_SWEEP_SEEDS:-2}"
echo "== a sweep, native (mapsim sweep: 20 × 20 cells × $seeds seeds of order-processing at 1,000 items; MAPSIM_SWEEP_SEEDS=20 for the issue's 8,000 runs)"
cargo build --quiet --release -p mapsim-cli
sweep_args=(static/examples/order-processing.asl.json --scenario static/examples/order-processing.scenario.json
    --vary /States/ProcessOrders/ToleratedFailureCount=0:38:2
    --vary scenario:/tasks/ChargePayment/faults/0/probability=0:0.095:0.005
    --seeds "$seeds" --format json)
runs=$((400 * seeds))
for jobs in 1 "$(nproc)"; do
    started=$(date +%s.%N)
    "$target_dir/release/mapsim" sweep "${sweep_args[@]}" --jobs "$jobs" >"$target_dir/sweep-bench-$jobs.json" 2>/dev/null
    ended=$(date +%s.%N)
    awk -v s="$started" -v e="$ended" -v r="$runs" -v j="$jobs" \
        'BEGIN { printf "--jobs %d: %d runs in %.1f s (%.1f ms per run, %.0f runs/s)\n", j, r, e - s, (e - s) * 1000 / r, r / (e - s) }'
done
if cmp -s "$target_dir/sweep-bench-1.json" "$target_dir/sweep-bench-$(nproc).json"; then
    echo "the same cells on every --jobs: yes"
else
    echo "the same cells on every --jobs: NO (they differ)"
fi

echo
echo "== the engine, native, built with PGO (scripts/pgo.sh, then its examples/bench)"
"$root/scripts/pgo.sh" >/dev/null
"$target_dir/pgo/release/examples/bench"

if [[ -d "$root/bench/local-stepfunctions/node_modules" ]]; then
    echo
    echo "== mapsim beside aws-local-stepfunctions (bench/local-stepfunctions)"
    node "$root/bench/local-stepfunctions/compare.mjs" --pgo-built
fi

echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
