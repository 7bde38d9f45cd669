#!/usr/bin/env bash
# Installs what building (and, with --browser, testing) Tandem needs on a
# Debian machine that has the Rust toolchain and Node/npm, skipping whatever
# is already installed at the right version. Everything comes from the
# package registries: crates.io, npm and Debian's apt.
#
#   bash scripts/setup.sh            # to build and run the app
#   bash scripts/setup.sh --browser  # also Chromium, ChromeDriver, Firefox ESR,
#                                    # geckodriver, WebKitGTK's WebDriver, Xvfb,
#                                    # Playwright and webdriverio, and leptosfmt
#                                    # for the tests' style step
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

want_browser=no
[ "${1:-}" = "--browser" ] && want_browser=yes

step "Rust target wasm32-unknown-unknown"
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  note "already installed"
else
  rustup target add wasm32-unknown-unknown
fi

step "Trunk $TRUNK_VERSION"
if trunk --version 2>/dev/null | grep -qw "$TRUNK_VERSION"; then
  note "already installed"
else
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

step "wasm-bindgen-cli $WASM_BINDGEN_VERSION (the version in Cargo.lock)"
if ! grep -q "wasm_bindgen = \"$WASM_BINDGEN_VERSION\"" Trunk.toml; then
  echo "Trunk.toml [tools] wasm_bindgen differs from Cargo.lock ($WASM_BINDGEN_VERSION)" >&2
  exit 1
fi
if wasm-bindgen --version 2>/dev/null | grep -qw "$WASM_BINDGEN_VERSION" &&
  command -v wasm-bindgen-test-runner >/dev/null; then
  note "already installed"
else
  # Without --locked: the tool's own lock file names a release of a
  # dependency that the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if [ "$want_browser" = yes ]; then
  step "Chromium and ChromeDriver (Debian)"
  if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    note "already installed: $(chromium --version 2>/dev/null | head -n 1)"
  else
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
  fi

  # Firefox ESR as German administrations run it; WebKitGTK (Safari's
  # engine) through its WebDriver, which starts its MiniBrowser on a
  # virtual display (xvfb-run).
  step "Firefox ESR, WebKitGTK's WebDriver and Xvfb (Debian)"
  missing=()
  command -v firefox-esr >/dev/null || missing+=(firefox-esr)
  command -v WebKitWebDriver >/dev/null || missing+=(webkit2gtk-driver)
  command -v xvfb-run >/dev/null || missing+=(xvfb)
  if [ ${#missing[@]} -eq 0 ]; then
    note "already installed: $(firefox-esr --version 2>/dev/null | head -n 1), WebKitGTK $(dpkg-query -W -f '${Version}' webkit2gtk-driver 2>/dev/null)"
  else
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
  fi

  step "geckodriver $GECKODRIVER_VERSION (crates.io)"
  if geckodriver --version 2>/dev/null | grep -qw "$GECKODRIVER_VERSION"; then
    note "already installed"
  else
    cargo install geckodriver --version "$GECKODRIVER_VERSION" --locked
  fi

  step "leptosfmt $LEPTOSFMT_VERSION (crates.io), for the style step"
  if leptosfmt --version 2>/dev/null | grep -qw "$LEPTOSFMT_VERSION"; then
    note "already installed"
  else
    cargo install leptosfmt --version "$LEPTOSFMT_VERSION" --locked
  fi

  step "Playwright and webdriverio (npm, from package-lock.json)"
  if [ -f node_modules/.tandem-lock ] && cmp -s package-lock.json node_modules/.tandem-lock; then
    note "already installed"
  else
    npm ci --no-audit --no-fund
    cp package-lock.json node_modules/.tandem-lock
  fi
fi

step "Rust crates (cargo fetch)"
cargo fetch --locked
