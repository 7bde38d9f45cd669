#!/usr/bin/env bash
# Builds the Debian package of the relay (cargo-deb), with the app inside:
# one `apt install ./tandem-relay_….deb` gives a running relay that serves
# Tandem. Needs the app built first (`trunk build --release --offline`).
#
#   bash scripts/deb.sh          # builds target/debian/tandem-relay_….deb
#   bash scripts/deb.sh --test   # also installs it here, checks it, purges it
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

CARGO_DEB_VERSION=3.8.0

step "cargo-deb $CARGO_DEB_VERSION"
if cargo deb --version 2>/dev/null | grep -qw "$CARGO_DEB_VERSION"; then
  note "already installed"
else
  cargo install cargo-deb --version "$CARGO_DEB_VERSION" --locked
fi

[ -f dist/index.html ] || { echo "no app in dist/: run trunk build --release --offline first" >&2; exit 1; }

step "Debian package (cargo deb)"
cargo build --release --offline --locked -p tandem-relay
package=$(cargo deb --offline -p tandem-relay --no-build --no-strip | tail -n 1)
note "$package"

[ "${1:-}" = "--test" ] || exit 0

step "Installing the package (dpkg -i)"
as_root dpkg --purge tandem-relay >/dev/null 2>&1 || true
as_root dpkg -i "$package"
trap 'as_root dpkg --purge tandem-relay >/dev/null || true' EXIT

test -x /usr/bin/tandem-relay
test -f /usr/share/tandem-relay/app/index.html
test -f /etc/default/tandem-relay
getent passwd tandem-relay >/dev/null

step "The service unit (systemd-analyze verify)"
command -v systemd-analyze >/dev/null || {
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y systemd
}
# Checks the unit's syntax, its user and its command without a running
# systemd (there is none in a container). A setting it cannot parse is
# only a warning to systemd (and ignored): here it fails the test.
findings=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no /usr/lib/systemd/system/tandem-relay.service 2>&1)
if [ -n "$findings" ]; then
  printf '%s\n' "$findings" >&2
  exit 1
fi
note "the unit is sound"

step "The installed relay serves the app (started as its user, as the unit would)"
# No systemd here: the relay runs as the unit would start it, with the
# settings file, its user and its state directory, on a port of its own.
port=${TANDEM_DEB_TEST_PORT:-18080}
as_root install -d -o tandem-relay -g tandem-relay -m 0700 /var/lib/tandem-relay
(
  set -a
  # shellcheck disable=SC1091
  . /etc/default/tandem-relay
  set +a
  cd /var/lib/tandem-relay
  exec setpriv --reuid tandem-relay --regid tandem-relay --init-groups \
    env TANDEM_ADDR="127.0.0.1:$port" TANDEM_METRICS_ADDR=off /usr/bin/tandem-relay
) >/tmp/tandem-relay-deb-test.log 2>&1 &
relay=$!
trap 'kill $relay 2>/dev/null || true; wait $relay 2>/dev/null || true; as_root dpkg --purge tandem-relay >/dev/null || true' EXIT
for _ in $(seq 1 50); do
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$port/health" | grep -q '"status":"ok"'
page=$(curl -fsS -D - "http://127.0.0.1:$port/")
grep -qi '^content-security-policy:' <<<"$page"
grep -qi '^strict-transport-security:' <<<"$page"
grep -q '<title>Tandem</title>' <<<"$page"
test -f /var/lib/tandem-relay/rooms.sqlite3
[ "$(stat -c %U /var/lib/tandem-relay/rooms.sqlite3)" = tandem-relay ]
note "the installed relay serves /health and the app; its database belongs to tandem-relay"

step "Purging the package"
kill $relay
wait $relay 2>/dev/null || true
trap - EXIT
as_root dpkg --purge tandem-relay
! getent passwd tandem-relay >/dev/null
[ ! -e /var/lib/tandem-relay ]
note "purged: no user, no state left"
