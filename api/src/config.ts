// Reads the API's environment once and fails at start naming the missing or bad variable.
import { parseEnv, readDbConfig, type DbConfig } from '@threadline/db/config';
import { z } from 'zod';
import { DEFAULT_KEY_DIR } from '@threadline/db/audit/audit-keys';
import { readFrameStoreConfig, type FrameStoreConfig } from '@threadline/db/vision/frame-store';
import { readObservabilityConfig, type ObservabilityConfig } from '@threadline/db/observability/observability-config';
import { parseRoleMap } from '@threadline/db/people/single-sign-on';
import { readNotificationConfig, type NotificationConfig } from '@threadline/db/notifications/notification-config';
import { UserRole } from '@threadline/db/client';
import type { OidcSettings } from './auth/oidc.ts';

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** HMAC secret for session tokens, at least 32 characters. Made and kept in THREADLINE_KEY_DIR in development. */
  AUTH_TOKEN_SECRET: z.string().min(32, 'AUTH_TOKEN_SECRET must be at least 32 characters').optional(),
  AUTH_TOKEN_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60)
    .default(12 * 60),
  /** How long a replica trusts a session it has checked; an ended session is refused by every replica within this time. */
  SESSION_CACHE_SECONDS: z.coerce.number().min(0).max(60).default(5),
  /** Proxies whose X-Forwarded-For names the caller's address (Fastify trustProxy): the portal's host by default. */
  TRUST_PROXY: z.string().default('127.0.0.1,::1'),
  /** Ed25519 private key (PKCS#8 PEM) that signs audit checkpoints. Made in development. */
  AUDIT_SIGNING_KEY: z.string().optional(),
  /** Further trusted checkpoint public keys (SPKI PEM, separated by blank lines), for rotated keys. */
  AUDIT_TRUSTED_PUBLIC_KEYS: z.string().default(''),
  /** Ed25519 private key (PKCS#8 PEM or base64 of it) that signs registered model versions and edge bundles. Made in development. */
  MODEL_SIGNING_KEY: z.string().optional(),
  /** Further public keys whose model versions are trusted (PEMs or base64, comma-separated). */
  MODEL_TRUSTED_KEYS: z.string().optional(),
  /** Where development keys are made and kept. */
  THREADLINE_KEY_DIR: z.string().default(DEFAULT_KEY_DIR),
  /** Seals the organisations' device certificate authorities' keys (a development secret in THREADLINE_KEY_DIR unless set). */
  DEVICE_CA_SECRET: z.string().min(32, 'DEVICE_CA_SECRET must be at least 32 characters').optional(),
  /** The plant broker's administrative connection (Mosquitto's dynamic security plugin): device identities are opened and closed there. */
  MQTT_ADMIN_URL: z.string().optional(),
  MQTT_ADMIN_USERNAME: z.string().default('admin'),
  MQTT_ADMIN_PASSWORD: z.string().default(''),
  /** The edge agent's multi-arch image (workers/edge.Dockerfile) the orchestrator packages name. */
  EDGE_AGENT_IMAGE: z.string().default('ghcr.io/threadline/threadline-edge:1.0.0'),
  CORS_ORIGINS: z.string().default('http://localhost:3000,http://127.0.0.1:3000'),
  /** Requests per second each API key may send on average, and how many at once. */
  API_KEY_RATE_PER_SECOND: z.coerce.number().positive().default(50),
  API_KEY_BURST: z.coerce.number().int().min(1).default(200),
  /** Connections for expensive reads (raw telemetry, series, aggregates), apart from the main pool. */
  READ_POOL_SIZE: z.coerce.number().int().min(1).max(50).default(4),
  /** Expensive reads one caller (API key or person) may run at once; the rest wait their turn. */
  READS_PER_CALLER: z.coerce.number().int().min(1).max(50).default(2),
  /** Time all the expensive reads of one request may take together. */
  READ_TIME_BUDGET_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  /** Redis shared by the API replicas for the API keys' rate buckets; each replica keeps its own when unset. */
  RATE_LIMIT_REDIS_URL: z.string().optional(),
  /** The plant's OpenID Connect provider (its issuer URL); single sign-on is off when unset. */
  OIDC_ISSUER: z.url().optional(),
  /** The portal's client id at the provider: the audience of ID tokens. */
  OIDC_CLIENT_ID: z.string().min(1).default('threadline-portal'),
  /** The API's resource indicator: the audience of machine clients' access tokens. */
  OIDC_API_AUDIENCE: z.string().min(1).default('urn:threadline:api'),
  /** The slug of the organisation the provider signs into (required with OIDC_ISSUER). */
  OIDC_ORGANIZATION: z.string().optional(),
  /** The name of the sign-in button. */
  OIDC_DISPLAY_NAME: z.string().default('single sign-on'),
  /** The ID token claim listing the person's groups. */
  OIDC_GROUPS_CLAIM: z.string().min(1).default('groups'),
  /** Groups to roles, `group=ROLE,...`: the first of a person's groups listed here gives their role. */
  OIDC_ROLE_MAP: z.string().default(''),
  /** The role of people none of whose groups is mapped; unset refuses them. */
  OIDC_DEFAULT_ROLE: z.enum(UserRole).optional(),
  /** `off` refuses e-mail and password sign-in (single sign-on and API keys only). */
  PASSWORD_SIGN_IN: z.enum(['on', 'off']).default('on'),
});

export type ApiConfig = z.infer<typeof schema> & {
  db: DbConfig;
  frames: FrameStoreConfig;
  observability: ObservabilityConfig;
  oidc: OidcSettings | null;
  notifications: NotificationConfig;
};

export function readApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const config = parseEnv(schema, env, 'API');
  if (config.NODE_ENV === 'production' && (!config.AUTH_TOKEN_SECRET || !config.AUDIT_SIGNING_KEY || !config.MODEL_SIGNING_KEY)) {
    throw new Error('In production AUTH_TOKEN_SECRET, AUDIT_SIGNING_KEY and MODEL_SIGNING_KEY must be set; see README (configuration).');
  }
  return {
    ...config,
    db: readDbConfig(env),
    frames: readFrameStoreConfig(env),
    observability: readObservabilityConfig(env),
    oidc: oidcSettingsOf(config),
    notifications: readNotificationConfig(env),
  };
}

function oidcSettingsOf(config: z.infer<typeof schema>): OidcSettings | null {
  if (!config.OIDC_ISSUER) {
    if (config.PASSWORD_SIGN_IN === 'off') throw new Error('API: PASSWORD_SIGN_IN=off needs single sign-on (OIDC_ISSUER) to sign anyone in.');
    return null;
  }
  if (!config.OIDC_ORGANIZATION) throw new Error('API: OIDC_ORGANIZATION (the slug of the organisation the provider signs into) is required with OIDC_ISSUER.');
  let roleMap;
  try {
    roleMap = parseRoleMap(config.OIDC_ROLE_MAP);
  } catch (error) {
    throw new Error(`API: OIDC_ROLE_MAP: ${(error as Error).message}`, { cause: error });
  }
  return {
    issuer: config.OIDC_ISSUER,
    clientId: config.OIDC_CLIENT_ID,
    apiAudience: config.OIDC_API_AUDIENCE,
    organization: config.OIDC_ORGANIZATION,
    displayName: config.OIDC_DISPLAY_NAME,
    groupsClaim: config.OIDC_GROUPS_CLAIM,
    roleMap,
    defaultRole: config.OIDC_DEFAULT_ROLE ?? null,
  };
}
