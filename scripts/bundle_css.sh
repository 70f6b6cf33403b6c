#!/usr/bin/env bash
# Trunk's pre-build hook (Trunk.toml): writes target/css/mapsim.css, the page's stylesheets
# inlined in the order static/css/page.css imports them, so the page loads one stylesheet.
# A missing import fails the build, naming it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/target/css/mapsim.css"
mkdir -p "$(dirname "$out")"
tmp="$out.partial"
: >"$tmp"
while IFS= read -r line; do
    if [[ $line =~ ^@import\ \"([a-z_]+\.css)\"\;$ ]]; then
        file="$root/static/css/${BASH_REMATCH[1]}"
        [[ -f $file ]] || { echo "bundle_css.sh: static/css/page.css imports ${BASH_REMATCH[1]}, which does not exist" >&2; exit 1; }
        cat "$file" >>"$tmp"
        printf '\n' >>"$tmp"
    fi
done <"$root/static/css/page.css"
# Only replace the bundle when it changed, so that `trunk serve` does not rebuild for nothing.
if cmp -s "$tmp" "$out"; then rm "$tmp"; else mv "$tmp" "$out"; fi
