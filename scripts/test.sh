#!/usr/bin/env bash
# Sets up and runs every test of Tandem: formatting and lints, the rules
# (native), the browser parts (wasm-bindgen-test in headless Chromium) and
# the journeys (Playwright against the built app served by the relay).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
source scripts/common.sh

timings=()
run() {
  local name=$1
  shift
  step "$name"
  local started=$SECONDS
  "$@"
  timings+=("$(printf '%5ss  %s' $((SECONDS - started)) "$name")")
}

run "Formatting (cargo fmt --check)" cargo fmt --all --check
run "Lints (cargo clippy, native)" cargo clippy --workspace --all-targets --offline --locked -- -D warnings
run "Lints (cargo clippy, app for wasm32)" \
  cargo clippy --target wasm32-unknown-unknown -p tandem --all-targets --offline --locked -- -D warnings
run "Rules, sync and relay (cargo test)" \
  cargo test --offline --locked -p tandem-core -p tandem-sync -p tandem-relay
# Two relay processes on one PostgreSQL database (Debian's, started on
# loopback by scripts/postgres.sh); the test fails without the database.
relay_on_postgres() {
  local url
  url=$(bash scripts/postgres.sh)
  cargo clippy --offline --locked -p tandem-relay --features postgres --all-targets -- -D warnings
  TANDEM_DATABASE_URL="$url" cargo test --offline --locked -p tandem-relay --features postgres --test postgres
}
run "Relay on PostgreSQL (two relay processes, one database)" relay_on_postgres
run "Browser parts (wasm-bindgen-test, headless Chromium)" \
  env CHROMEDRIVER="$(command -v chromedriver)" \
  cargo test --offline --locked --target wasm32-unknown-unknown -p tandem --test web
run "Building the app (Trunk, offline)" trunk build --release --offline
run "Building the relay" cargo build --release --offline --locked -p tandem-relay
run "Journeys (Playwright)" \
  env TANDEM_RELAY_BIN="$CARGO_TARGET_DIR/release/tandem-relay" npx playwright test
# Live sync through Caddy (Debian's, its internal CA) at https:// and
# wss://, as the README's recipe runs the relay (scripts/tls-proxy.sh).
run "Journey through TLS (Caddy, Playwright)" \
  env TANDEM_RELAY_BIN="$CARGO_TARGET_DIR/release/tandem-relay" \
  npx playwright test --config playwright.tls.config.ts
# The Debian package: built, installed, its unit verified, the installed
# relay started as its user and asked for the app, then purged.
run "Debian package (cargo deb, dpkg -i, systemd-analyze verify)" bash scripts/deb.sh --test

step "Every test passed"
printf '%s\n' "${timings[@]}"
