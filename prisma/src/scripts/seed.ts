// `npm run db:seed`: seeds the demo plant once (a no-op when it exists), then its shift calendars
// and calculated signals (once).
import { createDb } from '../client.ts';
import { readDbConfig } from '../config.ts';
import { logger } from '../logger.ts';
import { DEMO_PASSWORD, DEMO_USERS, seedDemoPlant } from '../seed/demo-plant.ts';
import { seedPlantSemantics } from '../seed/demo-plant-semantics.ts';

const config = readDbConfig();
const db = createDb({ url: config.MIGRATION_DATABASE_URL ?? config.DATABASE_URL, role: '' });
try {
  const result = await seedDemoPlant(db.prisma);
  logger.info(result, result.created ? 'seeded the demo plant' : 'the demo plant is already there');
  if (result.created) logger.info({ users: DEMO_USERS.map((u) => u.email), password: DEMO_PASSWORD }, 'demo sign-ins');
  logger.info(await seedPlantSemantics(db.prisma, result.organizationId), 'demo shift calendars and calculated signals');
} finally {
  await db.close();
}
