#!/usr/bin/env bash
# Browser benchmark of the matching board with a cohort of 1,000 × 1,000,
# beside the native criterion benchmark of the same algorithm. The board
# computes in its web worker; the benchmark also measures how long the
# page's own thread is busy meanwhile (longest task, longest gap between
# frames), and the same with the worker blocked (computed on the page).
#
#   bash scripts/bench-browser.sh            # 1,000 × 1,000
#   bash scripts/bench-browser.sh 500        # 500 × 500
#
# TANDEM_BENCH_PORT (default 8090) and TANDEM_STATIC_DIR (default dist)
# choose the relay's port and the build folder.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
source scripts/common.sh
size="${1:-1000}"
port="${TANDEM_BENCH_PORT:-8090}"
dist="${TANDEM_STATIC_DIR:-dist}"

serve_built_app "$port" "$dist"

step "Browser (headless Chromium)"
node bench/browser.mjs "http://127.0.0.1:$port" "$size"
step "Native (criterion), for comparison in the same run"
cargo bench --offline -p tandem-core --bench matching
