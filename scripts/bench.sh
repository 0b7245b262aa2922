#!/usr/bin/env bash
# `npm run bench:<name>`: runs bench/<name>.ts after the same set-up as the two README commands.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
npm run --silent db:migrate >/dev/null
exec npx tsx --tsconfig bench/tsconfig.json "bench/$1.ts"
