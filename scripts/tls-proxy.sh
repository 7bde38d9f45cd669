#!/usr/bin/env bash
# Runs the relay behind Caddy (Debian's package) as a city would, for the
# journey through TLS: Caddy ends TLS with a certificate from its own
# internal CA for a test name and passes everything, WebSockets included,
# to the relay on loopback. Chromium is made to trust that CA through an
# NSS database in a home folder of its own (the tests launch it with that
# HOME), so the page is a secure context by the browser's own judgement.
#
#   bash scripts/tls-proxy.sh <name> <public port> <folder> -- <relay command…>
#
# Installs caddy and certutil (libnss3-tools) from apt if missing. Runs
# until stopped; stops Caddy and the relay with it. The relay starts only
# once the CA is trusted, so a caller waiting for the relay waits for all.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

if [ $# -lt 5 ] || [ "$4" != "--" ]; then
  echo "usage: $0 <name> <public port> <folder> -- <relay command…>" >&2
  exit 2
fi
name=$1
port=$2
folder=$3
shift 4
backend=""
# The relay's address, from its --addr.
for ((i = 1; i <= $#; i++)); do
  if [ "${!i}" = "--addr" ]; then
    next=$((i + 1))
    backend=${!next}
  fi
done
[ -n "$backend" ] || { echo "the relay command needs --addr" >&2; exit 2; }

for tool in caddy:caddy certutil:libnss3-tools; do
  command -v "${tool%%:*}" >/dev/null || {
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${tool##*:}"
  }
done

rm -rf "$folder"
mkdir -p "$folder/caddy" "$folder/home/.pki/nssdb"
cat >"$folder/Caddyfile" <<EOF
{
	admin off
	local_certs
	skip_install_trust
	auto_https disable_redirects
	storage file_system $folder/caddy
}

https://$name:$port {
	tls internal
	reverse_proxy $backend
}
EOF

pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 0' INT TERM

XDG_DATA_HOME="$folder/caddy" XDG_CONFIG_HOME="$folder/caddy" \
  caddy run --config "$folder/Caddyfile" --adapter caddyfile >"$folder/caddy.log" 2>&1 &
pids+=($!)

root="$folder/caddy/pki/authorities/local/root.crt"
for _ in $(seq 1 100); do
  [ -s "$root" ] && break
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$folder/caddy.log" >&2; exit 1; }
  sleep 0.1
done
[ -s "$root" ] || { echo "Caddy made no CA: $folder/caddy.log" >&2; exit 1; }
certutil -N --empty-password -d "sql:$folder/home/.pki/nssdb"
certutil -A -n "Caddy test CA" -t "C,," -i "$root" -d "sql:$folder/home/.pki/nssdb"

"$@" &
pids+=($!)
wait -n
