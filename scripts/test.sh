#!/usr/bin/env bash
# `npm test`: every check in one run: lint, format, typecheck, then all tests against real PostgreSQL and
# Redis (each run in its own databases and queue prefix). Ends with `tests: N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
set +e

passed=0 failed=0
check() { # check <name> <command...>: one pass/fail line per static check
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "✓ $name"; else failed=$((failed + 1)); echo "✗ $name"; fi
}
check "lint" npx eslint --max-warnings=0 .
check "format" npx prettier --check --log-level=warn .
check "typecheck" npm run --silent typecheck

# Engines the scale-out tests run privately (docs/scaling.md): Debian packages, never downloads.
for engine in pgbouncer nats-server; do
  command -v "$engine" >/dev/null || tl_apt_install "$engine" || echo "$engine is missing: install Debian's $engine package (sudo apt-get install $engine)." >&2
done

mkdir -p .threadline
results=.threadline/test-results.json
rm -f "$results"
npx vitest run --reporter=default --reporter=json --outputFile.json="$results"
vitest_status=$?
if [ -f "$results" ]; then
  read -r tp tf < <(node -e 'const r=require(process.argv[1]); console.log(r.numPassedTests, r.numFailedTests + (r.numRuntimeErrors ?? 0))' "$PWD/$results")
  passed=$((passed + tp)); failed=$((failed + tf))
elif [ "$vitest_status" -ne 0 ]; then
  failed=$((failed + 1))
fi
if [ "$vitest_status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi

# Browser journeys (e2e/) in Debian's Chromium; never a downloaded browser.
if [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM_PATH:-}" ]; then
  tl_apt_install chromium || echo "Chromium is missing: install Debian's chromium package (sudo apt-get install chromium) or set CHROMIUM_PATH." >&2
fi
e2e_results="$PWD/.threadline/e2e-results.json"
rm -f "$e2e_results"
(cd e2e && PLAYWRIGHT_JSON_OUTPUT_NAME="$e2e_results" npx playwright test --reporter=list,json)
e2e_status=$?
if [ -f "$e2e_results" ]; then
  read -r ep ef < <(node -e 'const s=require(process.argv[1]).stats; console.log(s.expected + s.flaky, s.unexpected)' "$e2e_results")
  passed=$((passed + ep)); failed=$((failed + ef))
fi
if [ "$e2e_status" -ne 0 ] && { [ ! -f "$e2e_results" ] || [ "${ef:-0}" -eq 0 ]; }; then failed=$((failed + 1)); echo "✗ e2e run did not complete" >&2; fi
echo "tests: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
