#!/usr/bin/env bash
# Benchmark of the state-scale programme (2,000 people, 1,000 tandems, 300
# events with 15,000 attendance marks, more than 100,000 changes of 6
# coordinators): made once by the core crate's generator and kept under
# ~/.cache/tandem/state-scale/<seed>; then opened, edited and merged in
# headless Chromium (bench/scale.mjs), with the native criterion figures
# of the same bytes beside it (crates/core/benches/state_scale.rs).
#
#   bash scripts/bench-scale.sh            # seed 1
#   bash scripts/bench-scale.sh 7          # another seed
#
# TANDEM_BENCH_PORT (default 8091) and TANDEM_STATIC_DIR (default dist)
# choose the relay's port and the build folder; BENCH_RUNS the runs.
# BENCH_PROFILE=<folder> also writes CPU profiles of merging a file and of
# a cold open there, each summed up by function (bench/profile.mjs; the
# WebAssembly's functions are named in a build that keeps its names).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
source scripts/common.sh
seed="${1:-1}"
port="${TANDEM_BENCH_PORT:-8091}"
dist="${TANDEM_STATIC_DIR:-dist}"

step "The state-scale programme (seed $seed)"
scale=$(cargo run --release --offline --locked -p tandem-core --example state_scale -- --seed "$seed")
note "$scale"

serve_built_app "$port" "$dist"

step "Browser (headless Chromium)"
node bench/scale.mjs "http://127.0.0.1:$port" "$scale" "$dist"
if [ -n "${BENCH_PROFILE:-}" ]; then
  step "Where the time goes (CPU profiles in $BENCH_PROFILE)"
  node bench/profile.mjs "http://127.0.0.1:$port" "$scale" "$BENCH_PROFILE" merge
  node bench/profile.mjs "http://127.0.0.1:$port" "$scale" "$BENCH_PROFILE" open
fi
step "Native (criterion), the same bytes, for comparison in the same run"
TANDEM_SCALE_SEED="$seed" cargo bench --offline -p tandem-core --bench state_scale
