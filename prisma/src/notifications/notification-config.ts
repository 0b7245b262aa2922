// The notification settings the API (checking channels) and the workers (sending) share.
import type { BlockList } from 'node:net';
import { z } from 'zod';
import { parseEnv } from '../config.ts';
import { allowedNetworks } from './network-guard.ts';

const configSchema = z.object({
  /** Networks (CIDRs, comma-separated) webhooks may reach although private or loopback: receivers on site. */
  NOTIFICATION_ALLOWED_NETWORKS: z.string().default(''),
  /** The portal's address, for the links in notifications. */
  PORTAL_URL: z.url().default('http://localhost:3000'),
  /** The SMTP server e-mail channels send through (smtp:// or smtps://, credentials in the URL); e-mail deliveries fail while unset. */
  SMTP_URL: z.string().optional(),
  SMTP_FROM: z.string().default('Threadline <threadline@localhost>'),
  /** How often unacknowledged insights are checked for escalation. */
  NOTIFICATION_ESCALATION_EVERY_SECONDS: z.coerce.number().min(1).max(3600).default(30),
});

export type NotificationConfig = Omit<z.infer<typeof configSchema>, 'NOTIFICATION_ALLOWED_NETWORKS'> & { allowedNetworks: BlockList };

export function readNotificationConfig(env: NodeJS.ProcessEnv = process.env): NotificationConfig {
  const { NOTIFICATION_ALLOWED_NETWORKS, ...config } = parseEnv(configSchema, env, 'notifications');
  try {
    return { ...config, allowedNetworks: allowedNetworks(NOTIFICATION_ALLOWED_NETWORKS) };
  } catch (error) {
    throw new Error(`notifications: NOTIFICATION_ALLOWED_NETWORKS: ${(error as Error).message}`, { cause: error });
  }
}
