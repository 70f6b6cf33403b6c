#!/usr/bin/env bash
# Runs every test of mapsim, after setting up what a fresh machine lacks (scripts/setup.sh):
#   formatting, clippy (native and wasm32), native tests (including the corpus conformance
#   test), browser tests in headless Chromium (the app's components, the engine's wasm
#   determinism test), the release build with its size budget, and the end-to-end tests
#   (playwright-core + Chromium against the release build served from a sub-path).
#
# Every step runs even when an earlier one failed (except those that need its output), and a
# summary at the end says what ran and what passed. Exit status: 0 when everything passed.
#
# Environment:
#   MAPSIM_SHARED      the shared corpus (default: ../shared next to the repository or next to
#                      the local repository it was cloned from; `none` when neither exists)
#   MAPSIM_BASE_PATH   the sub-path the end-to-end tests serve the build from (default /mapsim/)
#   CARGO_TARGET_DIR   honoured as usual (default: target/)

set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root" || exit 1
started=$SECONDS

echo "== mapsim: set-up"
# shellcheck source=scripts/setup.sh
source "$root/scripts/setup.sh" || {
    echo "mapsim: set-up failed; no test was run." >&2
    exit 1
}

target_dir="${CARGO_TARGET_DIR:-$root/target}"
logs="$target_dir/test-logs"
screenshots="$target_dir/e2e-screenshots"
base_path="${MAPSIM_BASE_PATH:-/mapsim/}"
rm -rf "$logs"
mkdir -p "$logs"

# A whole run writes some 3.5 GB under the target directory (native and wasm32 test builds, the
# release build, browser profiles). A disk that fills up midway fails the later steps with "No
# space left on device" — even their logs cannot be written — so the free space is told before
# and after.
free_mb() { df -Pk "$target_dir" 2>/dev/null | awk 'NR == 2 { print int($4 / 1024) }'; }
free_at_start="$(free_mb)"
if [[ -n $free_at_start && $free_at_start -lt 4096 ]]; then
    echo "mapsim: WARNING: $free_at_start MB free under $target_dir; a whole test run needs about 4 GB, so steps may fail with 'No space left on device'" >&2
fi

# The corpus lives beside the repository, never inside it: ../shared next to this checkout, or,
# for a clone of a local repository (a fresh clone in a temporary directory), ../shared next to
# the repository it was cloned from.
if [[ -z "${MAPSIM_SHARED:-}" ]]; then
    for candidate in "$root/../shared" \
        "$(git -C "$root" remote get-url origin 2>/dev/null)/../shared"; do
        if [[ -d "$candidate/asl-corpus" ]]; then
            MAPSIM_SHARED="$(cd "$candidate" && pwd)"
            break
        fi
    done
fi
if [[ -n "${MAPSIM_SHARED:-}" && -d "$MAPSIM_SHARED/asl-corpus" ]]; then
    export MAPSIM_SHARED
    corpus_note="found at $MAPSIM_SHARED"
elif [[ "${MAPSIM_SHARED:-}" == "none" ]]; then
    export MAPSIM_SHARED
    corpus_note="ABSENT (MAPSIM_SHARED=none): conformance and corpus tests were NOT RUN"
elif [[ -n "${MAPSIM_SHARED:-}" ]]; then
    # A wrong path is a mistake, not an absence: the corpus tests fail and say where they looked.
    export MAPSIM_SHARED
    corpus_note="ABSENT: MAPSIM_SHARED=$MAPSIM_SHARED has no asl-corpus/; the corpus tests fail"
else
    # No corpus anywhere near this checkout (a CI machine without ../shared): the corpus
    # tests say so and check nothing; every other test still runs.
    MAPSIM_SHARED=none
    export MAPSIM_SHARED
    corpus_note="ABSENT: no ../shared/asl-corpus next to $root or its origin; conformance and corpus tests were NOT RUN"
fi

# Browser tests: wasm-bindgen-test-runner drives Chromium through ChromeDriver. It already
# passes --headless --no-sandbox (needed as root); tests/webdriver.json adds the flags this
# machine's closed network needs.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export CHROMEDRIVER=/usr/bin/chromedriver
export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$root/tests/webdriver.json"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"

# ChromeDriver leaves each browser profile (tens of MB) in the temporary directory; keep them
# in one place of ours and remove it at the end.
browser_tmp="$target_dir/browser-tmp"
rm -rf "$browser_tmp"
mkdir -p "$browser_tmp"

names=()
results=()
durations=()

# step NAME COMMAND...: runs COMMAND, shows and logs its output, records the outcome.
step() {
    local name="$1"
    shift
    local log="$logs/${name//[^A-Za-z0-9_-]/_}.log"
    echo
    echo "== mapsim: $name"
    echo "   \$ $*"
    local step_started=$SECONDS
    "$@" 2>&1 | tee "$log"
    local status=${PIPESTATUS[0]}
    names+=("$name")
    durations+=($((SECONDS - step_started)))
    local counted
    counted="$(count_tests "$log")"
    if [[ $status == 0 ]]; then
        results+=("PASS${counted:+ ($counted)}")
    else
        results+=("FAIL (exit $status${counted:+; $counted}; log: ${log#"$root"/})")
    fi
    return "$status"
}

# count_tests LOG: "N tests passed, M failed" from cargo/libtest, wasm-bindgen-test-runner or
# node:test output; nothing when the log has no test results at all.
count_tests() {
    awk '
        /^test result: / {
            for (i = 1; i <= NF; i++) {
                if ($(i + 1) ~ /^passed/) passed += $i
                if ($(i + 1) ~ /^failed/) failed += $i
            }
            seen = 1
        }
        /^no tests to run!$/ { seen = 1 }
        /^ℹ pass / { passed += $3; seen = 1 }
        /^ℹ fail / { failed += $3; seen = 1 }
        END {
            if (!seen) exit
            if (passed + failed == 0) print "ran NO tests"
            else if (failed) printf "%d tests passed, %d failed\n", passed, failed
            else printf "%d tests\n", passed
        }' "$1"
}

skip() {
    names+=("$1")
    durations+=(0)
    results+=("SKIPPED ($2)")
}

step "fmt" cargo fmt --all -- --check
step "clippy native" cargo clippy --workspace --all-targets -- -D warnings
# For wasm32: every crate's library and binaries, plus the app's browser tests (which only
# exist on wasm32). The crates' native test suites are linted by the native step.
step "clippy wasm32" cargo clippy --workspace --target wasm32-unknown-unknown -- -D warnings
step "clippy wasm32 (app tests)" cargo clippy -p mapsim --tests --target wasm32-unknown-unknown -- -D warnings
# The corpus conformance test writes its score line past the test harness's capture; the
# summary repeats it.
step "native tests" cargo test --workspace --no-fail-fast
step "browser tests (app)" env TMPDIR="$browser_tmp" cargo test --no-fail-fast --target wasm32-unknown-unknown -p mapsim --test it
step "browser tests (engine)" env TMPDIR="$browser_tmp" cargo test --no-fail-fast --target wasm32-unknown-unknown -p engine --tests

size_note="not measured (the release build failed)"
if step "release build" trunk build --release; then
    # The first load: the page's own module (mapsim-web-*) and every stylesheet. The sweep's
    # worker module (sweep-worker*) is fetched only when a sweep starts; it is said apart.
    wasm_raw=0 wasm_gz=0 js_raw=0 js_gz=0 worker_gz=0
    for file in "$root"/dist/mapsim-web-*.wasm; do
        wasm_raw=$((wasm_raw + $(wc -c <"$file")))
        wasm_gz=$((wasm_gz + $(gzip -9c "$file" | wc -c)))
    done
    for file in "$root"/dist/mapsim-web-*.js; do
        js_raw=$((js_raw + $(wc -c <"$file")))
        js_gz=$((js_gz + $(gzip -9c "$file" | wc -c)))
    done
    for file in "$root"/dist/sweep-worker*; do
        [ -f "$file" ] && worker_gz=$((worker_gz + $(gzip -9c "$file" | wc -c)))
    done
    css_raw=0 css_gz=0
    while IFS= read -r -d '' file; do
        css_raw=$((css_raw + $(wc -c <"$file")))
        css_gz=$((css_gz + $(gzip -9c "$file" | wc -c)))
    done < <(find "$root/dist" -maxdepth 1 -name '*.css' -print0)
    total_gz=$((wasm_gz + js_gz + css_gz))
    size_note="wasm $((wasm_raw / 1024)) KB ($((wasm_gz / 1024)) KB gzipped) + JS $((js_raw / 1024)) KB ($((js_gz / 1024)) KB gzipped) + CSS $((css_raw / 1024)) KB ($((css_gz / 1024)) KB gzipped) = $((total_gz / 1024)) KB gzipped of an 800 KB budget; on demand: the sweep's worker $((worker_gz / 1024)) KB gzipped"
    step "size budget" test "$total_gz" -le $((800 * 1024))
    step "end-to-end tests" env TMPDIR="$browser_tmp" MAPSIM_DIST="$root/dist" MAPSIM_BASE_PATH="$base_path" \
        MAPSIM_SCREENSHOTS="$screenshots" \
        node --test-reporter=spec "$root/tests/e2e/run.mjs"
else
    skip "size budget" "no release build"
    skip "end-to-end tests" "no release build"
fi

rm -rf "$browser_tmp"

# --- Summary -------------------------------------------------------------------------------
echo
echo "================================ mapsim test summary ================================"
failed=0
skipped=0
for i in "${!names[@]}"; do
    printf '  %-28s %5ss  %s\n' "${names[$i]}" "${durations[$i]}" "${results[$i]}"
    case "${results[$i]}" in
        PASS*) ;;
        SKIPPED*) skipped=$((skipped + 1)) ;;
        *) failed=$((failed + 1)) ;;
    esac
done
echo
echo "  corpus:       $corpus_note"
score_lines="$(grep -E '^conformance:' "$logs/native_tests.log" 2>/dev/null)"
if [[ -n "$score_lines" ]]; then
    echo "  conformance:"
    sed 's/^/    /' <<<"$score_lines"
else
    echo "  conformance:  no score line in the native test output"
fi
echo "  page size:    $size_note"
n_screenshots=$(find "$screenshots" -name '*.png' 2>/dev/null | wc -l)
echo "  screenshots:  ${screenshots#"$root"/}/ ($n_screenshots files)"
echo "  logs:         ${logs#"$root"/}/"
echo "  disk:         ${free_at_start:-?} MB free at the start, $(free_mb) MB at the end (a run needs about 4 GB)"
echo "  time:         $((SECONDS - started)) s"
if [[ $failed == 0 ]]; then
    echo "RESULT: PASS (${#names[@]} steps)"
    exit 0
else
    echo "RESULT: FAIL ($failed of ${#names[@]} steps failed, $skipped skipped because of them)"
    exit 1
fi
