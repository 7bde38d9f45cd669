# Shared by the scripts: versions, paths and how to print a step.
# shellcheck shell=bash

export PATH="$HOME/.cargo/bin:$PATH"

TRUNK_VERSION=0.21.14
# Drives Firefox ESR for the browser parts (wasm-bindgen-test).
GECKODRIVER_VERSION=0.37.1
# Formats the view! blocks that rustfmt leaves alone (the style step).
LEPTOSFMT_VERSION=0.1.33
# The wasm-bindgen CLI must match the library in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)

# Build output is kept outside the checkout, so a fresh clone (and CI's)
# reuses what an earlier build on this machine compiled.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tandem/target}"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
note() { printf '    %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# For the browser benchmarks: builds the app into the folder $2 and the
# relay, then starts the relay serving that folder at 127.0.0.1:$1 with a
# database of its own, and waits until it answers. The relay is stopped
# when the script exits.
serve_built_app() {
  local port="$1" dist="$2" database
  trunk build --release --offline --dist "$dist"
  cargo build --release --offline --locked -p tandem-relay
  database=$(mktemp -d)/relay.sqlite3
  "$CARGO_TARGET_DIR/release/tandem-relay" --addr "127.0.0.1:$port" --static-dir "$dist" --db "$database" >/dev/null 2>&1 &
  served_relay=$!
  trap 'kill $served_relay 2>/dev/null || true' EXIT
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
}
