#!/usr/bin/env bash
# Renders every report.html and index.html under a run folder to PNG with
# headless Chromium, for review, and fails if a page logs a console message
# or tries the network: the reports must be self-contained and inert.
# Usage: harness/report/screenshot.sh [RUN_DIR (default reports/latest)] [OUT_DIR]
set -euo pipefail
run=${1:-reports/latest}
out=${2:-$run/screenshots}
command -v chromium >/dev/null || { echo "chromium is not installed: make chromium" >&2; exit 2; }
mkdir -p "$out"
bad=0
while IFS= read -r page; do
  name=$(realpath --relative-to="$run" "$page" | tr '/' '_' | sed 's/\.html$//')
  log=$(mktemp)
  # Every request outside the page goes to a dead proxy, so any attempt shows as a net error.
  timeout 90 chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
    --proxy-server=127.0.0.1:9 --enable-logging=stderr --v=0 \
    --window-size=1400,2400 --screenshot="$out/$name.png" "file://$(realpath "$page")" >"$log" 2>&1 || true
  if grep -E 'CONSOLE|ERR_PROXY|ERR_CONNECTION|net::ERR' "$log" | grep -v dbus; then
    echo "FAIL $page: console output or network request (above)" >&2; bad=1
  else
    echo "ok   $page -> $out/$name.png"
  fi
  rm -f "$log"
done < <(find -L "$run" -maxdepth 2 \( -name report.html -o -name index.html \) | sort)
exit $bad
