// End-to-end journeys in Debian's Chromium against the real product: the API, the workers and the
// portal are started on their own ports and queue prefix over a database of their own, migrated and
// seeded with the demo plant and its trained models (the vision pilot's on a smaller history), as `npm start` does (without the simulator:
// the journeys make their own changes). The portal reaches the API through a counting pass-through
// (graphql-counter.ts) so tests can count a page's GraphQL requests.
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { DEMO_ROLE_MAP } from '../scripts/identity-provider.ts';

const API_PORT = Number(process.env.E2E_API_PORT ?? 4610);
const WEB_PORT = Number(process.env.E2E_WEB_PORT ?? 3610);
const COUNTER_PORT = Number(process.env.E2E_COUNTER_PORT ?? 4611);
const IDP_PORT = Number(process.env.E2E_IDP_PORT ?? 4612);
const IDP_ISSUER = `http://127.0.0.1:${IDP_PORT}`;
/** The notification journey's SMTP server listens here (started by the journey itself). */
const SMTP_PORT = Number((process.env.E2E_SMTP_PORT ??= '4613'));
const PORTAL_CLIENT_SECRET = randomBytes(16).toString('hex');
const run = randomBytes(4).toString('hex');
process.env.E2E_DATABASE ??= `tl_e2e_${run}`;
process.env.E2E_QUEUE_PREFIX ??= `e2e_${run}`;
// The workers run in a process group of their own, named in this file, which the teardown stops:
// they have no URL for Playwright to watch, and must not outlive the run.
process.env.E2E_WORKERS_PGID_FILE ??= join(tmpdir(), `tl_e2e_workers_${run}.pgid`);
const server = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
server.pathname = `/${process.env.E2E_DATABASE}`;
const databaseUrl = server.toString();

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  reporter: [['list']],
  globalTeardown: './global-teardown.ts',
  use: {
    baseURL: `http://127.0.0.1:${WEB_PORT}`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
    trace: 'off',
  },
  webServer: [
    {
      command:
        'npm run --silent db:migrate && npm run --silent db:seed && npm run --silent demo:models -w @threadline/workers && npm run --silent demo:vision -w @threadline/workers && npm run --silent start -w @threadline/api',
      cwd: '..',
      url: `http://127.0.0.1:${API_PORT}/health`,
      // The vision pilot trains on a smaller labelled history here than in `npm start`.
      env: {
        DATABASE_URL: databaseUrl,
        API_PORT: String(API_PORT),
        LOG_LEVEL: 'warn',
        NODE_ENV: 'test',
        DEMO_VISION_FRAMES: '480',
        DEMO_VISION_EPOCHS: '10',
        METRICS_SAMPLE_MS: '1000',
        OIDC_ISSUER: IDP_ISSUER,
        OIDC_ORGANIZATION: 'northwind',
        OIDC_DISPLAY_NAME: 'Northwind SSO',
        OIDC_ROLE_MAP: DEMO_ROLE_MAP,
        NOTIFICATION_ALLOWED_NETWORKS: '127.0.0.1/32',
      },
      reuseExistingServer: false,
      timeout: 240_000,
    },
    {
      command: `bash -c 'set -m; npm run --silent start -w @threadline/workers & echo $! > "${process.env.E2E_WORKERS_PGID_FILE}"; wait $!'`,
      cwd: '..',
      env: {
        DATABASE_URL: databaseUrl,
        QUEUE_PREFIX: process.env.E2E_QUEUE_PREFIX,
        MQTT_URL: '',
        OPCUA_ENDPOINT: '',
        LOG_LEVEL: 'warn',
        NODE_ENV: 'test',
        METRICS_SAMPLE_MS: '1000',
        SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
        NOTIFICATION_ALLOWED_NETWORKS: '127.0.0.1/32',
        NOTIFICATION_ESCALATION_EVERY_SECONDS: '1',
        PORTAL_URL: `http://127.0.0.1:${WEB_PORT}`,
      },
      reuseExistingServer: false,
    },
    {
      // The plant's identity provider, with the demo directory.
      command: 'npx tsx scripts/identity-provider.ts',
      cwd: '..',
      url: `${IDP_ISSUER}/.well-known/openid-configuration`,
      env: { IDP_PORT: String(IDP_PORT), IDP_REDIRECT_URIS: `http://127.0.0.1:${WEB_PORT}/auth/oidc/callback`, OIDC_CLIENT_SECRET: PORTAL_CLIENT_SECRET },
      reuseExistingServer: false,
    },
    {
      command: 'npx tsx graphql-counter.ts',
      url: `http://127.0.0.1:${COUNTER_PORT}/__requests`,
      env: { E2E_COUNTER_PORT: String(COUNTER_PORT), E2E_COUNTER_TARGET: `http://127.0.0.1:${API_PORT}` },
      reuseExistingServer: false,
    },
    {
      command: `npm run --silent build -w @threadline/web && npx next start --port ${WEB_PORT}`,
      cwd: '../web',
      url: `http://127.0.0.1:${WEB_PORT}/login`,
      env: {
        THREADLINE_API_URL: `http://127.0.0.1:${COUNTER_PORT}/graphql`,
        PORTAL_POLL_SECONDS: '4',
        NEXT_TELEMETRY_DISABLED: '1',
        OIDC_CLIENT_SECRET: PORTAL_CLIENT_SECRET,
      },
      reuseExistingServer: false,
      timeout: 180_000,
    },
  ],
});
