// What `npm run scale` brings up on this machine, each on free loopback ports and stopped by pid at
// the end: a 3-node NATS JetStream cluster, a Redis Cluster of 3 masters and 3 replicas, a
// PostgreSQL primary with a streaming replica and PgBouncer (transaction mode) in front, a
// Mosquitto broker, and a single Redis for the single-node baseline; and the services'
// environment for either layout.
import { generateKeyPairSync } from 'node:crypto';
import pg from 'pg';
import { PrivateMosquitto } from '../test/private-mosquitto.ts';
import { PrivateNats } from '../test/private-nats.ts';
import { PrivatePgBouncer } from '../test/private-pgbouncer.ts';
import { PrivatePostgres } from '../test/private-postgres.ts';
import { PrivateRedis } from '../test/private-redis.ts';
import { PrivateRedisCluster } from '../test/private-redis-cluster.ts';
import { createSeededDatabase } from '../test/seeded-database.ts';
import { out } from '../chaos/outcome.ts';

export interface Topology {
  nats: PrivateNats;
  redis: PrivateRedisCluster;
  single: PrivateRedis;
  primary: PrivatePostgres;
  replica: PrivatePostgres;
  bouncer: PrivatePgBouncer;
  broker: PrivateMosquitto;
  /** The owner's direct connection to the run's database. */
  ownerUrl: string;
  /** Signs audit checkpoints and model versions in every process. */
  pem: string;
  /** One process of the single-node layout: direct to PostgreSQL, one Redis, no log. */
  singleEnv(process: string): Record<string, string>;
  /** One process of the distributed layout. */
  scaleEnv(process: string): Record<string, string>;
  stop(): Promise<void>;
}

export async function bringUp(): Promise<Topology> {
  // What is running so far, stopped in reverse if a later engine cannot be brought up.
  const running: { stop(): Promise<void> }[] = [];
  const up = async <T extends { stop(): Promise<void> }>(engine: Promise<T>): Promise<T> => {
    const started = await engine;
    running.unshift(started);
    return started;
  };
  try {
    return await bringUpEach(up, running);
  } catch (error) {
    for (const engine of running) await engine.stop().catch(() => undefined);
    throw error;
  }
}

async function bringUpEach(
  up: <T extends { stop(): Promise<void> }>(engine: Promise<T>) => Promise<T>,
  running: { stop(): Promise<void> }[],
): Promise<Topology> {
  const primary = await up(PrivatePostgres.start());
  const ownerUrl = (await createSeededDatabase(primary.url())).url;
  const database = new URL(ownerUrl).pathname.slice(1);
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  await owner.query('ALTER ROLE threadline_app LOGIN');
  await owner.end();
  const replica = await up(PrivatePostgres.replicaOf(primary));
  const bouncer = await up(PrivatePgBouncer.start(primary, ['threadline_app', 'postgres'], 20));
  out(`PostgreSQL primary :${primary.port}, streaming replica :${replica.port}, PgBouncer (transaction mode) :${bouncer.port}`);
  const nats = await up(PrivateNats.start(3));
  out(`NATS JetStream cluster ${nats.url}`);
  const redis = await up(PrivateRedisCluster.start());
  out(`Redis Cluster (3 masters, 3 replicas) ${redis.seeds}`);
  const single = await up(PrivateRedis.start());
  const broker = await up(PrivateMosquitto.start());
  out(`Mosquitto ${broker.url}`);
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const app = (port: number) => `postgres://threadline_app@127.0.0.1:${port}/${database}`;
  const common = { MODEL_SIGNING_KEY: pem, AUDIT_SIGNING_KEY: pem, MQTT_URL: broker.url, MIGRATION_DATABASE_URL: ownerUrl };
  return {
    nats,
    redis,
    single,
    primary,
    replica,
    bouncer,
    broker,
    ownerUrl,
    pem,
    singleEnv: (name) => ({
      ...common,
      DATABASE_URL: ownerUrl,
      REDIS_URL: single.url,
      QUEUE_PREFIX: 'single',
      MQTT_TOPIC_PREFIX: 'single/',
      MQTT_CLIENT_ID: `single-${name}`,
    }),
    scaleEnv: (name) => ({
      ...common,
      DATABASE_URL: bouncer.url(database, 'threadline_app'),
      DATABASE_APP_ROLE: '',
      DATABASE_SESSION_URL: app(primary.port),
      DATABASE_READ_URL: app(replica.port),
      REDIS_CLUSTER_NODES: redis.seeds,
      QUEUE_PREFIX: 'scale',
      INGEST_LOG_URL: nats.url,
      INGEST_LOG_REPLICAS: '3',
      MQTT_TOPIC_PREFIX: 'scale/',
      MQTT_CLIENT_ID: `scale-${name}`,
    }),
    async stop() {
      for (const engine of running) await engine.stop();
    },
  };
}
