#!/usr/bin/env bash
# Builds mapsim's native binaries with profile-guided optimization (PGO): the `mapsim` CLI and
# the engine's benchmark programs, each some 20 % faster than a plain `cargo build --release`
# on simulation-heavy work (BENCHMARKS.md).
#
#   scripts/pgo.sh                      # → target/pgo/release/mapsim
#                                       #   target/pgo/release/examples/{throughput,bench}
#   scripts/pgo.sh --training examples  # train on the built-in examples only (see below)
#
# Three steps: an instrumented build; a training run that counts which branches and calls the
# simulator takes; the final build, which lays the code out and inlines by those counts. The
# training runs are
#   - every built-in example (static/examples), `mapsim run` with three seeds and
#     `mapsim history` of the parent and of one item: Distributed and Inline Maps, JSONata,
#     Express children, throttling, nested Maps;
#   - `--training all` (the default) adds the reference workload (crates/engine/benches/
#     reference) at 100,000 items and its Inline Map form (bench/local-stepfunctions) — the
#     workload of the benchmarks, so the benchmarks then measure the case PGO was trained
#     for. `--training examples` leaves both out, to see what PGO gives a workload it has not
#     seen (BENCHMARKS.md records both).
# Needs llvm-profdata from the rustup component llvm-tools (added here when missing). The
# outputs of a PGO build are the same as a plain build's, bit for bit: PGO changes how the code
# is laid out, not what it computes (the digest tests run against plain builds).

set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

training=all
while [[ $# -gt 0 ]]; do
    case "$1" in
    --training)
        training="${2:-}"
        shift 2 || true
        ;;
    *)
        echo "usage: scripts/pgo.sh [--training all|examples]" >&2
        exit 2
        ;;
    esac
done
if [[ $training != all && $training != examples ]]; then
    echo "scripts/pgo.sh: --training takes all or examples" >&2
    exit 2
fi

host="$(rustc -vV | sed -n 's/^host: //p')"
profdata="$(rustc --print sysroot)/lib/rustlib/$host/bin/llvm-profdata"
if [[ ! -x $profdata ]]; then
    if ! command -v rustup >/dev/null; then
        echo "scripts/pgo.sh: needs llvm-profdata ($profdata), which rustup's component llvm-tools provides; this toolchain has no rustup" >&2
        exit 1
    fi
    echo "== adding the rustup component llvm-tools (llvm-profdata)"
    rustup component add llvm-tools
fi

target="${CARGO_TARGET_DIR:-$root/target}/pgo"
profiles="$target/profiles"
rm -rf "$profiles"
mkdir -p "$profiles"
build() { # RUSTFLAGS TARGET-DIR
    RUSTFLAGS="$1" cargo build --quiet --release --target-dir "$2" \
        -p mapsim-cli --bin mapsim -p engine --example throughput --example bench
}

echo "== 1/3 instrumented build ($target/generate)"
mkdir -p "$target/generate"
if ! build "-Cprofile-generate=$profiles" "$target/generate" >"$target/generate/build.log" 2>&1; then
    cat "$target/generate/build.log" >&2
    echo "scripts/pgo.sh: the instrumented build failed" >&2
    exit 1
fi

echo "== 2/3 training ($training)"
gen="$target/generate/release"
for definition in static/examples/*.asl.json; do
    scenario="${definition%.asl.json}.scenario.json"
    for seed in 1 2 3; do
        "$gen/mapsim" run "$definition" --scenario "$scenario" --seed "$seed" --format json >/dev/null || true
    done
    "$gen/mapsim" history "$definition" --scenario "$scenario" >/dev/null || true
    "$gen/mapsim" history "$definition" --scenario "$scenario" --item 1 >/dev/null || true
    echo "   $(basename "$definition")"
done
if [[ $training == all ]]; then
    "$gen/examples/bench" --sizes 100000 --repeat 1 >/dev/null
    echo "   the reference workload, 100,000 items"
    "$gen/examples/throughput" bench/local-stepfunctions/inline.asl.json \
        bench/local-stepfunctions/inline.scenario.json --items 1000 --repeat 100 >/dev/null
    echo "   the reference workload as an Inline Map, 100 × 1,000 items"
fi
"$profdata" merge -o "$profiles/merged.profdata" "$profiles"

echo "== 3/3 optimized build ($target/release)"
# (Functions the training never ran have no profile, which rustc may warn about: the log keeps
# the build's output.)
if ! build "-Cprofile-use=$profiles/merged.profdata" "$target" >"$target/build.log" 2>&1; then
    cat "$target/build.log" >&2
    echo "scripts/pgo.sh: the optimized build failed" >&2
    exit 1
fi
echo "built with PGO (training: $training): $target/release/mapsim, $target/release/examples/throughput, $target/release/examples/bench"
