#!/usr/bin/env bash
# Installs what building and testing mapsim needs on a fresh Debian machine of this project's
# kind (see ../shared/TOOLCHAIN.md), and nothing that is already there. Safe to run again:
# every tool is checked first and only installed when missing or at the wrong version.
#
# Run it directly, or source it (scripts/serve.sh and scripts/test.sh do) to also get PATH
# set up in the calling shell: ~/.cargo/bin and tests/e2e/node_modules/.bin (wasm-opt).
#
# Environment:
#   MAPSIM_SKIP_BROWSER=1  skip Chromium/ChromeDriver (enough for `scripts/serve.sh`).

# When sourced, keep the caller's shell options; when run, be strict.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
fi

mapsim_setup() {
    local root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    local started=$SECONDS

    export PATH="$HOME/.cargo/bin:$root/tests/e2e/node_modules/.bin:$PATH"

    _mapsim_say() { printf 'setup: %-22s %s\n' "$1" "$2"; }
    _mapsim_fail() {
        printf 'setup: FAILED: %s\n' "$1" >&2
        [[ $# -gt 1 ]] && printf '       %s\n' "${@:2}" >&2
        return 1
    }

    # --- Rust ------------------------------------------------------------------------------
    command -v cargo >/dev/null && command -v rustup >/dev/null ||
        _mapsim_fail "cargo/rustup not found" "Install Rust with rustup first (https://rustup.rs)." || return 1

    local installed_targets
    installed_targets="$(rustup target list --installed 2>/dev/null || true)"
    if grep -qx wasm32-unknown-unknown <<<"$installed_targets"; then
        _mapsim_say "wasm32 target" "present"
    else
        _mapsim_say "wasm32 target" "installing: rustup target add wasm32-unknown-unknown"
        rustup target add wasm32-unknown-unknown ||
            _mapsim_fail "rustup could not add the wasm32-unknown-unknown target" || return 1
    fi

    # --- trunk -----------------------------------------------------------------------------
    # trunk 0.22 needs a newer rustc than this machine's 1.95; 0.21.14 builds with --locked.
    local trunk_version=0.21.14
    if [[ "$(trunk --version 2>/dev/null)" == "trunk $trunk_version" ]]; then
        _mapsim_say "trunk" "present ($trunk_version)"
    else
        _mapsim_say "trunk" "installing $trunk_version with cargo install (about 8 minutes on 2 cores)"
        cargo install trunk --version "$trunk_version" --locked ||
            _mapsim_fail "cargo install trunk $trunk_version failed" "See the output above." || return 1
    fi

    # --- wasm-bindgen CLI ------------------------------------------------------------------
    # Must be exactly the wasm-bindgen version in Cargo.lock: trunk and wasm-bindgen-test-runner
    # refuse a mismatch, and trunk cannot download one here. `--locked` is left out on
    # purpose: with it, 0.2.130 fails to install (a locked dependency left the registry).
    local wasm_bindgen_version
    wasm_bindgen_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$root/Cargo.lock")"
    [[ -n "$wasm_bindgen_version" ]] ||
        _mapsim_fail "no wasm-bindgen in $root/Cargo.lock" "Run 'cargo generate-lockfile' or restore Cargo.lock from git." || return 1
    if [[ "$(wasm-bindgen --version 2>/dev/null)" == "wasm-bindgen $wasm_bindgen_version" ]] &&
        [[ "$(wasm-bindgen-test-runner --version 2>/dev/null)" == "wasm-bindgen-test-runner $wasm_bindgen_version" ]]; then
        _mapsim_say "wasm-bindgen-cli" "present ($wasm_bindgen_version, as in Cargo.lock)"
    else
        _mapsim_say "wasm-bindgen-cli" "installing $wasm_bindgen_version (the version in Cargo.lock; about 2 minutes)"
        cargo install wasm-bindgen-cli --version "$wasm_bindgen_version" --force ||
            _mapsim_fail "cargo install wasm-bindgen-cli $wasm_bindgen_version failed" "See the output above." || return 1
    fi

    # --- Chromium + ChromeDriver (wasm tests and end-to-end tests) --------------------------
    if [[ "${MAPSIM_SKIP_BROWSER:-}" == 1 ]]; then
        _mapsim_say "chromium" "skipped (MAPSIM_SKIP_BROWSER=1)"
    elif [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
        _mapsim_say "chromium" "present ($(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'), with chromedriver)"
    else
        local sudo=""
        if [[ "$(id -u)" != 0 ]]; then
            command -v sudo >/dev/null || _mapsim_fail "need root or sudo to apt-get install chromium" || return 1
            sudo="sudo"
        fi
        _mapsim_say "chromium" "installing: apt-get install chromium chromium-driver"
        export DEBIAN_FRONTEND=noninteractive
        # The package lists may be stale on a fresh machine: update only when the install fails.
        $sudo apt-get install -y -q chromium chromium-driver >/dev/null ||
            { _mapsim_say "chromium" "install failed; running apt-get update and trying again" &&
                $sudo apt-get update -q >/dev/null &&
                $sudo apt-get install -y -q chromium chromium-driver >/dev/null; } ||
            _mapsim_fail "apt-get could not install chromium and chromium-driver" || return 1
        [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]] ||
            _mapsim_fail "chromium installed, but /usr/bin/chromium or /usr/bin/chromedriver is missing" || return 1
    fi

    # --- A Japanese font, so that the page's Japanese text is legible in the end-to-end
    # screenshots (headless Chromium draws boxes without one). Not fatal: tests do not read glyphs.
    if [[ "${MAPSIM_SKIP_BROWSER:-}" != 1 ]]; then
        if fc-list :lang=ja family 2>/dev/null | grep -q .; then
            _mapsim_say "japanese font" "present"
        else
            local font_sudo=""
            [[ "$(id -u)" != 0 ]] && command -v sudo >/dev/null && font_sudo="sudo"
            _mapsim_say "japanese font" "installing: apt-get install fonts-noto-cjk"
            DEBIAN_FRONTEND=noninteractive $font_sudo apt-get install -y -q fonts-noto-cjk >/dev/null ||
                _mapsim_say "japanese font" "not installed (Japanese screenshots will show boxes)"
        fi
    fi

    # --- Node packages: playwright-core (end-to-end) and binaryen (wasm-opt for trunk) -----
    command -v node >/dev/null && command -v npm >/dev/null ||
        _mapsim_fail "node/npm not found" "Node 20 or newer is needed for the end-to-end tests and wasm-opt." || return 1
    local e2e="$root/tests/e2e"
    local stamp="$e2e/node_modules/.mapsim-lock-sha256"
    local want
    want="$(sha256sum "$e2e/package-lock.json" | awk '{print $1}')"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && [[ -x "$e2e/node_modules/.bin/wasm-opt" ]]; then
        _mapsim_say "node packages" "present (tests/e2e/node_modules matches package-lock.json)"
    else
        _mapsim_say "node packages" "installing: npm ci in tests/e2e (playwright-core, binaryen)"
        (cd "$e2e" && npm ci --no-audit --no-fund --loglevel=error) ||
            _mapsim_fail "npm ci in tests/e2e failed" "See the output above." || return 1
        printf '%s\n' "$want" >"$stamp"
    fi
    [[ "$(wasm-opt --version 2>/dev/null)" == *"version 132"* ]] ||
        _mapsim_fail "wasm-opt on PATH is not version 132: $(command -v wasm-opt || echo none)" \
            "trunk's [tools] wasm_opt in Trunk.toml expects binaryen 132 from tests/e2e/node_modules." || return 1

    _mapsim_say "done" "in $((SECONDS - started)) s"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    mapsim_setup
else
    mapsim_setup || return 1
fi
