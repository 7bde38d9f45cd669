# Shared by the scripts: versions, paths and how to print a step.
# shellcheck shell=bash

export PATH="$HOME/.cargo/bin:$PATH"

TRUNK_VERSION=0.21.14
# Drives Firefox ESR for the browser parts (wasm-bindgen-test).
GECKODRIVER_VERSION=0.37.1
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
