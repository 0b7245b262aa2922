// MQTT in front of the ingest log (a NATS JetStream server of the test's own): while the database
// refuses writes, devices are still acknowledged (their QoS 1 publishes complete, nothing is
// stored yet and the adapter sees no failed write); once writes succeed the log's writer stores
// every reading once.
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '@threadline/db/client';
import { IngestService } from '@threadline/db/telemetry/ingest';
import { EventIngest } from '@threadline/db/telemetry/events';
import { IngestLog, type LogWriter } from '@threadline/db/telemetry/ingest-log';
import { openTelemetryStorage } from '@threadline/db/telemetry/storage';
import { createTestDatabase } from '../../../scripts/test/database.ts';
import { mqttUrl } from '../../../scripts/test/queues.ts';
import { PrivateNats } from '../../../scripts/test/private-nats.ts';
import { waitFor } from '../../../scripts/test/wait-for.ts';
import { MqttAdapter } from './mqtt-adapter.ts';

describe('MQTT in front of the ingest log', () => {
  const prefix = `tl-test-${randomBytes(4).toString('hex')}/`;
  let nats: PrivateNats;
  let pool: pg.Pool;
  let owner: pg.Pool;
  let log: IngestLog;
  let writer: LogWriter;
  let adapter: MqttAdapter;
  let publisher: MqttClient;

  beforeAll(async () => {
    nats = await PrivateNats.start(1);
    const { url } = await createTestDatabase();
    pool = createPool({ url, role: 'threadline_app' });
    owner = createPool({ url });
    const organizationId = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id;
    log = await IngestLog.open({ url: nats.url, stream: 'tl-test-mqtt', replicas: 1 });
    writer = log.writer({ ingest: IngestService.forPool(pool, await openTelemetryStorage(pool)), events: new EventIngest(pool) }, pino({ level: 'silent' }));
    adapter = new MqttAdapter({
      url: mqttUrl(),
      organizationId,
      ingest: log,
      events: log.events,
      log: pino({ level: 'silent' }),
      topicPrefix: prefix,
      clientId: `tl-test-${randomBytes(4).toString('hex')}`,
    });
    await adapter.start();
    publisher = await mqtt.connectAsync(mqttUrl());
  }, 120_000);
  afterAll(async () => {
    await publisher?.endAsync();
    await adapter?.stop();
    await writer?.stop();
    await log?.close();
    await pool?.end();
    await owner?.end();
    await nats?.stop();
  });

  it('acknowledges devices while the database is down, and stores every reading once it is back', async () => {
    const topic = 'threadline/lej/LEJ-L1-CMP01/flow';
    const base = Date.now() - 600_000;
    const count = async () =>
      Number(
        (
          await pool.query('SELECT count(*) FROM telemetry t JOIN signals s ON s.id = t.signal_id WHERE s.source_address = $1 AND t.time >= $2', [
            topic,
            new Date(base),
          ])
        ).rows[0].count,
      );
    await owner.query('REVOKE INSERT ON telemetry FROM threadline_app');
    try {
      await Promise.all(
        Array.from({ length: 200 }, (_, i) => publisher.publishAsync(prefix + topic, JSON.stringify({ time: base + i * 1000, value: i % 7 }), { qos: 1 })),
      );
      // The broker acknowledged the publisher; the adapter may still be receiving.
      await waitFor('the adapter to receive every message', () => adapter.stats.messages >= 200);
      await adapter.settled();
      expect(adapter.stats).toMatchObject({ accepted: 200, failedWrites: 0 });
      await waitFor('the writer to meet the refusal', () => writer.stats.failedWrites > 0, { timeoutMs: 60_000 });
      expect(await count()).toBe(0);
    } finally {
      await owner.query('GRANT INSERT ON telemetry TO threadline_app');
    }
    await waitFor('the writer to store every reading', async () => (await count()) >= 200, { timeoutMs: 90_000 });
    expect(await count()).toBe(200);
  }, 180_000);
});
