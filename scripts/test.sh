#!/usr/bin/env bash
# Sets up and runs every test of Tandem: formatting and lints, the rules
# (native), the browser parts (wasm-bindgen-test in headless Chromium,
# Firefox ESR and WebKitGTK) and the journeys (Playwright in Chromium and
# Firefox ESR against the built app served by the relay; WebKitGTK at phone
# size over WebDriver).
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
# rustfmt leaves the view! blocks alone; leptosfmt formats them. To
# format: leptosfmt src tests, twice (it settles on the second pass), then
# cargo fmt --all; then both checks hold.
run "Formatting of view! blocks (leptosfmt --check)" leptosfmt --check src tests
run "Lints (cargo clippy, native)" cargo clippy --workspace --all-targets --offline --locked -- -D warnings
run "Lints (cargo clippy, app for wasm32)" \
  cargo clippy --target wasm32-unknown-unknown -p tandem --all-targets --offline --locked -- -D warnings
# A participant's app builds the core without the coordinator's modules.
run "Core without the coordinator's modules (participant build)" \
  cargo check --offline --locked -p tandem-core --no-default-features
# The participant's app reads only its own translation files: every text
# its code can ask for is in them, in German and in English.
run "Participant's app: every text it can show in its own files" \
  node scripts/participant-texts.mjs check
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
run "Browser parts (wasm-bindgen-test, headless Firefox ESR)" \
  env GECKODRIVER="$(command -v geckodriver)" GECKODRIVER_ARGS="--binary /usr/bin/firefox-esr" \
  cargo test --offline --locked --target wasm32-unknown-unknown -p tandem --test web
# WebKitWebDriver starts WebKitGTK's MiniBrowser on a virtual display; the
# test runner speaks to it as to Safari's driver.
webkit_browser_parts_once() {
  local port=${TANDEM_WEBKIT_DRIVER_PORT:-4444} driver status=0
  setsid xvfb-run -a WebKitWebDriver --port="$port" >/dev/null 2>&1 &
  driver=$!
  for _ in $(seq 50); do
    curl -fs "http://127.0.0.1:$port/status" >/dev/null && break
    sleep 0.2
  done
  # The runner gives the whole suite 20 s by default; WebKitGTK on a busy
  # 2-core machine has been seen to need more, and a hang still fails.
  SAFARIDRIVER_REMOTE="http://127.0.0.1:$port" WASM_BINDGEN_TEST_TIMEOUT=90 \
    cargo test --offline --locked --target wasm32-unknown-unknown -p tandem --test web 2>&1 |
    tee "$1" || status=$?
  kill -- -"$driver" 2>/dev/null || true
  return "$status"
}
# WebKitGTK 2.50's JavaScriptCore (x86_64) sometimes computes a wrong
# SHA-256 in WebAssembly in the first seconds after a page starts, while
# it moves hot code between its tiers: a document saved then carries a
# checksum or change hash that does not match, and opening it reports it
# damaged (measured: 2 to 4 runs in 16 of 60 save-and-open rounds, each
# wrong result in the first ten rounds; the same bytes open on the next
# try; with any combination of JavaScriptCore's tiers that keeps a JIT).
# The same wrong hash made while a change is written shows as Automerge's
# own change graph missing a change the document has just made
# (`ChangeGraph(MissingDep(…))`, a panic inside Automerge).
# Such a failure, and only such a failure, gets one more run; any other
# failure, or the same one twice, fails the step.
only_damaged_reads() {
  awk '/^---- .* output ----$/ { failed++; open = 1; next }
       /^failures:$/ { open = 0 }
       open && /value: Damaged|BadChecksum|MismatchingHeads|ChangeGraph\(MissingDep/ { damaged++; open = 0 }
       END { exit !(failed > 0 && damaged == failed) }' "$1"
}
browser_parts_in_webkit() {
  local log status=0
  log=$(mktemp)
  if ! webkit_browser_parts_once "$log"; then
    if only_damaged_reads "$log"; then
      note "a document read back as damaged in WebKitGTK (JavaScriptCore's miscomputed SHA-256, above): one more run"
      webkit_browser_parts_once "$log" || status=$?
    else
      status=1
    fi
  fi
  rm -f "$log"
  return "$status"
}
run "Browser parts (wasm-bindgen-test, WebKitGTK)" browser_parts_in_webkit
run "Building the app (Trunk, offline)" trunk build --release --offline
# What a phone downloads to open a personal tandem link: guarded, since
# sizes are stable from build to build (times are for scripts/bench-phone.sh).
# The guard holds the size reached (664 KB), not yet the 250 KB aimed at:
# Automerge alone is more than a third of the code, and the application
# form (/bewerben) is in this app too (README, "Benchmarks").
run "Participant's app: first transfer within ${TANDEM_PARTICIPANT_MAX_KB:=665} KB (brotli)" \
  node scripts/first-transfer.mjs dist participant/index.html --max "$TANDEM_PARTICIPANT_MAX_KB"
# The coordinators' first transfer is printed; it is above the 800 KB a
# guard would hold it to (README, "Benchmarks").
run "Coordinators' app: first transfer (brotli)" node scripts/first-transfer.mjs dist index.html
# The participant's app built again with its function names, which show
# that none of the coordinators' code is in it (scripts/wasm-names.mjs).
participant_holds_no_coordinator_code() {
  cargo build --release --offline --locked --target wasm32-unknown-unknown --bin participant \
    --config 'profile.release.package.tandem.strip="none"'
  node scripts/wasm-names.mjs check "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/participant.wasm"
}
run "Participant's app holds none of the coordinators' code (name section)" participant_holds_no_coordinator_code
run "Building the relay" cargo build --release --offline --locked -p tandem-relay
# Journeys in one browser; when one fails, what the relay refused during
# them (and why) is shown beside it.
journeys() {
  local log status=0
  log=$(mktemp)
  env TANDEM_RELAY_BIN="$CARGO_TARGET_DIR/release/tandem-relay" TANDEM_E2E_RELAY_LOG="$log" \
    npx playwright test --project="$1" || status=$?
  if [ "$status" -ne 0 ]; then
    note "the relay's refusals during these journeys (the last 60):"
    grep -E 'closing connection|WARN|ERROR' "$log" | tail -n 60 || true
  fi
  rm -f "$log"
  return "$status"
}
run "Journeys (Playwright, Chromium)" journeys chromium
run "Journeys (Playwright, Firefox ESR)" journeys firefox
run "Journeys on a phone (WebKitGTK over WebDriver)" \
  env TANDEM_RELAY_BIN="$CARGO_TARGET_DIR/release/tandem-relay" npx playwright test -c playwright.webkit.config.ts
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
