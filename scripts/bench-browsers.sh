#!/usr/bin/env bash
# Cold start of the app in every engine Tandem is tested in, in the same
# run: Chromium, Firefox ESR and WebKitGTK (bench/cold-start.mjs), from the
# navigation to the programme list being interactive, for a returning
# coordinator. A benchmark, not a test: it prints figures and passes
# nothing.
#
#   bash scripts/bench-browsers.sh          # BENCH_RUNS=7 rounds
#
# TANDEM_BENCH_PORT (default 8091) and TANDEM_STATIC_DIR (default dist)
# choose the relay's port and the build folder; TANDEM_WEBKIT_DRIVER_PORT
# (default 4444) WebKitWebDriver's port.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
source scripts/common.sh
port="${TANDEM_BENCH_PORT:-8091}"
dist="${TANDEM_STATIC_DIR:-dist}"

serve_built_app "$port" "$dist"

step "Cold start in Chromium, Firefox ESR and WebKitGTK"
node bench/cold-start.mjs "http://127.0.0.1:$port"
