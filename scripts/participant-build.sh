#!/usr/bin/env bash
# Builds the participant's app (participant.html: the tandem page from a
# personal link and the privacy notice, src/participant.rs) into the
# coordinators' app's build, at dist/participant/, where the relay finds it
# for /tandem and /datenschutz.
#
# Trunk builds one page per run, so the release build of index.html runs
# this as a hook (Trunk.toml) and it starts a second Trunk build for
# participant.html into the first one's staging directory: every
# `trunk build --release` publishes both apps together. Debug builds
# (`trunk serve`) leave it out; the whole app then shows these pages too.
set -euo pipefail
cd "$(dirname "$0")/.."

[ "${TRUNK_PROFILE:-}" = release ] || exit 0
# Run again by the participant's own build: nothing more to build.
[ "$(basename "${TRUNK_HTML_FILE:-index.html}")" = index.html ] || exit 0
: "${TRUNK_STAGING_DIR:?run by Trunk as a post-build hook}"

# Trunk runs the hooks side by side: the participant's app is built (and
# precompressed by its own build's hook) beside the staging directory, and
# moved into it in one step when complete. The outer build's settings are
# not the inner one's.
built="$TRUNK_STAGING_DIR.participant"
rm -rf "$built"
env -u TRUNK_STAGING_DIR -u TRUNK_DIST_DIR -u TRUNK_PUBLIC_URL -u TRUNK_HTML_FILE -u TRUNK_SOURCE_DIR \
  trunk build participant.html --release --dist "$built" --public-url /participant/ --offline
rm -rf "$TRUNK_STAGING_DIR/participant"
mv "$built" "$TRUNK_STAGING_DIR/participant"
