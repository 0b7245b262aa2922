#!/usr/bin/env bash
# Shared set-up of both README commands: installs packages when needed, makes PostgreSQL and Redis
# reachable, generates the Prisma client. Source it from the repository root.
set -euo pipefail

if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "Threadline needs Node.js 20.19 or newer (https://nodejs.org or your distribution's nodejs package)." >&2
  exit 1
fi
export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm install` rather than `npm ci`: npm 11 leaves other platforms' optional packages (turbo's)
  # out of the lock file, which `npm ci` then refuses; install still keeps to the locked versions.
  echo "[setup] installing packages" >&2
  npm install --no-audit --no-fund --loglevel=error
fi

# shellcheck source=scripts/services.sh
. scripts/services.sh

npm run --silent db:generate >/dev/null
