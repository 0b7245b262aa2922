#!/usr/bin/env bash
# `npm run scale`: the multi-node run (scripts/scale/run.ts) after the same set-up as the README's
# commands, with the engines it starts privately installed from Debian packages when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
for engine in nats-server pgbouncer redis-server mosquitto; do
  command -v "$engine" >/dev/null || tl_apt_install "$engine" || { echo "$engine is missing: install Debian's $engine package." >&2; exit 1; }
done
command -v redis-cli >/dev/null || tl_apt_install redis-tools || { echo "redis-cli is missing: install Debian's redis-tools package." >&2; exit 1; }
exec npx tsx --tsconfig bench/tsconfig.json scripts/scale/run.ts
