// Structured logs for the database package's scripts.
import pino from 'pino';

export const logger = pino({ name: 'threadline-db', level: process.env.LOG_LEVEL ?? 'info' });
