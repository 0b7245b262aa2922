#!/usr/bin/env bash
# `npm run chaos`: the chaos suite (scripts/chaos/run.ts) after the same set-up as the README's commands.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
npm run --silent db:migrate >/dev/null
exec npx tsx --tsconfig bench/tsconfig.json scripts/chaos/run.ts
