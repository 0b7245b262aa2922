// `npm run db:migrate`: applies pending migrations to MIGRATION_DATABASE_URL (or DATABASE_URL).
import { readDbConfig } from '../config.ts';
import { logger } from '../logger.ts';
import { prepareDatabase } from '../prepare-database.ts';

const config = readDbConfig();
const result = await prepareDatabase(config.MIGRATION_DATABASE_URL ?? config.DATABASE_URL, config.TELEMETRY_PARTITION_DAYS);
logger.info(
  { applied: result.applied, alreadyApplied: result.alreadyApplied, created: result.created, telemetry: result.telemetry },
  result.applied.length > 0 ? `applied ${result.applied.length} migration(s)` : 'database is up to date',
);
