#!/usr/bin/env bash
# `npm start`: the whole product with demo data: services, migrations, the demo plant (seeded
# once, with a trained and deployed spindle failure-risk model and the visual inspection pilot's
# vision model), then the API, the plant simulator (OPC UA server, MQTT/Sparkplug B publisher and camera frames), the
# workers (which ingest the plant's data), the portal and, unless OIDC_ISSUER names the plant's own, a
# demo identity provider for single sign-on. Ctrl-C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh

export API_PORT="${API_PORT:-4000}" WEB_PORT="${WEB_PORT:-3000}" WORKERS_METRICS_PORT="${WORKERS_METRICS_PORT:-9464}"
export THREADLINE_API_URL="${THREADLINE_API_URL:-http://127.0.0.1:${API_PORT}/graphql}"
npm run --silent db:migrate
npm run --silent db:seed
npm run --silent demo:models -w @threadline/workers
npm run --silent demo:vision -w @threadline/workers
echo "[start] building the portal" >&2
npm run --silent build -w @threadline/web >/dev/null

# Each service runs in its own process group (job control), so stopping one stops its children.
set -m
pids=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM
if [ -z "${OIDC_ISSUER:-}" ]; then
  export IDP_PORT="${IDP_PORT:-4400}"
  export OIDC_ISSUER="http://127.0.0.1:${IDP_PORT}" OIDC_ORGANIZATION=northwind OIDC_DISPLAY_NAME="Northwind SSO (demo directory)"
  export OIDC_ROLE_MAP="threadline-admins=ADMIN,quality-approvers=APPROVER,data-science=DATA_SCIENTIST,plant-engineers=ENGINEER,northwind-staff=VIEWER"
  export OIDC_CLIENT_SECRET="${OIDC_CLIENT_SECRET:-threadline-portal-demo-secret}"
  export IDP_REDIRECT_URIS="http://127.0.0.1:${WEB_PORT}/auth/oidc/callback,http://localhost:${WEB_PORT}/auth/oidc/callback"
  npx tsx scripts/identity-provider.ts 2>/dev/null & pids+=($!)
fi
export SIMULATOR_OPCUA_PORT="${SIMULATOR_OPCUA_PORT:-4840}"
export OPCUA_ENDPOINT="${OPCUA_ENDPOINT:-opc.tcp://127.0.0.1:${SIMULATOR_OPCUA_PORT}/UA/Threadline}"
npm run --silent start -w @threadline/api & pids+=($!)
npm run --silent simulate -w @threadline/workers & pids+=($!)
npm run --silent start -w @threadline/workers & pids+=($!)
npm run --silent start -w @threadline/web >/dev/null & pids+=($!)

for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:${API_PORT}/health" >/dev/null 2>&1 && curl -fsS -o /dev/null "http://127.0.0.1:${WEB_PORT}/login" 2>/dev/null && break
  sleep 1
done
cat <<MSG

  Threadline is running with the demo plant (Northwind Components).
    Portal       http://localhost:${WEB_PORT}
    GraphQL API  http://localhost:${API_PORT}/graphql
    Health       http://localhost:${API_PORT}/health
    Metrics      http://localhost:${API_PORT}/metrics (API), http://localhost:${WORKERS_METRICS_PORT}/metrics (workers); Pipeline page in the portal
  Sign in as viewer, engineer, data, approver or admin @northwind.example, password threadline-demo,
  or with single sign-on as maria.planner, lars.quality or admin @northwind.example (any password).
  Press Ctrl-C to stop.

MSG
wait -n "${pids[@]}"
