#!/usr/bin/env bash
# Benchmark of a participant opening her tandem link on a phone over a
# weak network (headless Chromium throttled as "Slow 4G", CPU 4× slower):
# the participant's app beside the whole app opening the same kind of link,
# measured in the same run (bench/phone.spec.ts), with the first transfer
# of both apps as the relay sends them (brotli).
#
#   bash scripts/bench-phone.sh
#
# TANDEM_BENCH_PORT (default 8092; the baseline's relay uses the next
# port), TANDEM_STATIC_DIR (default dist) and BENCH_RUNS (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
source scripts/common.sh
port="${TANDEM_BENCH_PORT:-8092}"
dist="${TANDEM_STATIC_DIR:-dist}"

trunk build --release --offline --dist "$dist"
cargo build --release --offline --locked -p tandem-relay

step "First transfer (brotli, as the relay sends it)"
node scripts/first-transfer.mjs "$dist" participant/index.html
node scripts/first-transfer.mjs "$dist" index.html

# The baseline: the same build without the participant's app, so that the
# relay sends the whole app for /tandem, as before there was one.
work=$(mktemp -d)
whole="$work/whole"
cp -a "$dist" "$whole"
rm -rf "$whole/participant"
relays=()
trap 'kill "${relays[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
for app in "$dist" "$whole"; do
  at=$((port + ${#relays[@]}))
  TANDEM_NEW_ROOMS_PER_HOUR=100000 "$CARGO_TARGET_DIR/release/tandem-relay" --addr "127.0.0.1:$at" \
    --static-dir "$app" --db "$work/relay-$at.sqlite3" >/dev/null 2>&1 &
  relays+=($!)
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$at/health" >/dev/null && break; sleep 0.1; done
done

step "Opening /tandem#… on a throttled phone (headless Chromium)"
TANDEM_BENCH_PARTICIPANT="http://127.0.0.1:$port" TANDEM_BENCH_WHOLE="http://127.0.0.1:$((port + 1))" \
  npx playwright test -c bench/phone.config.ts
