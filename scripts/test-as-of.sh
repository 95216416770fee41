#!/usr/bin/env bash
# Runs a command (default: npm test) as if the clock read the given instant when it started, for
# the test process and every gateway it spawns: `bash scripts/test-as-of.sh 2026-12-05T15:00:00Z`.
# libfaketime with a relative offset, so every process started under it shares one clock that
# keeps running; monotonic clocks are left alone, so timers and timeouts behave. Test redis-servers
# are started without the preload (test/cache/redis-server.ts): it makes them spin.
set -euo pipefail
instant=${1:?usage: test-as-of.sh <ISO 8601 instant> [command …]}
shift
[ $# -gt 0 ] || set -- npm test
lib=$(dpkg -L libfaketime 2>/dev/null | grep -m1 '/libfaketime.so.1$' || true)
[ -n "$lib" ] || { echo "test-as-of: libfaketime is not installed (apt-get install faketime)" >&2; exit 2; }
target=$(date -u -d "$instant" +%s) || exit 2
offset=$(( target - $(date -u +%s) ))
echo "test-as-of: running '$*' as of $(date -u -d "@$target" '+%a %Y-%m-%d %H:%M:%S UTC') (offset ${offset} s)" >&2
if (( offset < 0 )); then FAKETIME="$offset"; else FAKETIME="+$offset"; fi
export LD_PRELOAD="$lib${LD_PRELOAD:+:$LD_PRELOAD}" FAKETIME FAKETIME_DONT_FAKE_MONOTONIC=1
exec "$@"
