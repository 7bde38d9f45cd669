#!/usr/bin/env bash
# Sets up, builds and starts Tandem on this machine: one local relay
# process that serves the app. Open the address it prints.
#
#   bash scripts/start.sh                      # http://127.0.0.1:8080
#   TANDEM_ADDR=0.0.0.0:8080 bash scripts/start.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/common.sh

step "Building the app (Trunk, offline)"
trunk build --release --offline

step "Building the relay"
cargo build --release --offline --locked -p tandem-relay

addr="${TANDEM_ADDR:-127.0.0.1:8080}"
# The relay keeps only ciphertext; its database lives beside the user's data.
data="${TANDEM_DATA_DIR:-$HOME/.local/share/tandem}"
mkdir -p "$data"
step "Tandem läuft auf http://$addr — Tandem is running at http://$addr (Ctrl+C stops it)"
exec "$CARGO_TARGET_DIR/release/tandem-relay" --addr "$addr" --static-dir dist --db "$data/relay.sqlite3"
