#!/usr/bin/env bash
# Serves the mapsim page locally, opening on its built-in example, after setting up what a
# fresh machine lacks (scripts/setup.sh). Trunk rebuilds and reloads the page on every change.
#
#   scripts/serve.sh                  # http://127.0.0.1:8080/
#   MAPSIM_PORT=9000 scripts/serve.sh # another port
#   scripts/serve.sh --release        # extra arguments go to `trunk serve`

set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# shellcheck source=scripts/setup.sh
source "$root/scripts/setup.sh"

port="${MAPSIM_PORT:-8080}"
echo "mapsim: serving the page at http://127.0.0.1:$port/ (first build takes a few minutes; Ctrl-C stops)"
exec trunk serve --address 127.0.0.1 --port "$port" "$@"
