#!/usr/bin/env bash
# Browser benchmark of the matching board with a cohort of 1,000 × 1,000,
# beside the native criterion benchmark of the same algorithm.
#
#   bash scripts/bench-browser.sh            # 1,000 × 1,000
#   bash scripts/bench-browser.sh 500        # 500 × 500
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
source scripts/common.sh
size="${1:-1000}"

trunk build --release --offline
cargo build --release --offline --locked -p tandem-relay
port=8090
database=$(mktemp -d)/relay.sqlite3
"$CARGO_TARGET_DIR/release/tandem-relay" --addr "127.0.0.1:$port" --static-dir dist --db "$database" >/dev/null 2>&1 &
relay=$!
trap 'kill $relay 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done

step "Browser (headless Chromium)"
node bench/browser.mjs "http://127.0.0.1:$port" "$size"
step "Native (criterion), for comparison in the same run"
cargo bench --offline -p tandem-core --bench matching
