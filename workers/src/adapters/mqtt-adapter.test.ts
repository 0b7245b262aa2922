// The MQTT adapter against the real Mosquitto and PostgreSQL: plain JSON topics, camera frames and Sparkplug B
// (with metric aliases) are stored exactly, a resent message is not duplicated, bad messages are
// refused while the good ones around them are kept, a burst of single readings is stored once
// each, and what could not be stored is not acknowledged, so the broker delivers it again.
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type pg from 'pg';
import pino from 'pino';
import { get as sparkplugNamespace } from 'sparkplug-payload';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '@threadline/db/client';
import { IngestService } from '@threadline/db/telemetry/ingest';
import { EventIngest } from '@threadline/db/telemetry/events';
import { openTelemetryStorage, type TelemetryStorage } from '@threadline/db/telemetry/storage';
import { createTestDatabase } from '../../../scripts/test/database.ts';
import { mqttUrl } from '../../../scripts/test/queues.ts';
import { MqttAdapter } from './mqtt-adapter.ts';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '@threadline/db/random';
import { FrameIngest } from '@threadline/db/vision/frame-ingest';
import { DiskFrameStore } from '@threadline/db/vision/frame-store';
import { plateFrame } from '../../../scripts/test/frame-fixture.ts';
import { waitFor } from '../../../scripts/test/wait-for.ts';

const sparkplug = sparkplugNamespace('spBv1.0')!;

describe('MQTT adapter', () => {
  const prefix = `tl-test-${randomBytes(4).toString('hex')}/`;
  const backlogPrefix = `tl-test-${randomBytes(4).toString('hex')}/`;
  let storage: TelemetryStorage;
  let pool: pg.Pool;
  let owner: pg.Pool;
  let adapter: MqttAdapter;
  let publisher: MqttClient;
  const base = Date.now() - 600_000;

  const stored = async (address: string) =>
    (
      await pool.query('SELECT t.time, t.value, t.quality FROM telemetry t JOIN signals s ON s.id = t.signal_id WHERE s.source_address = $1 ORDER BY t.time', [
        address,
      ])
    ).rows.map((r) => [r.time.getTime() - base, r.value, r.quality]);

  /** Publishes and waits until the adapter has stored what it received. */
  const publish = async (topic: string, payload: string | Buffer, userProperties?: Record<string, string>) => {
    const before = adapter.stats.messages;
    await publisher.publishAsync(prefix + topic, payload, { qos: 1, ...(userProperties ? { properties: { userProperties } } : {}) });
    await waitFor('the adapter to receive the message', () => adapter.stats.messages !== before, { timeoutMs: 60_000 });
    await adapter.settled();
  };

  beforeAll(async () => {
    const { url } = await createTestDatabase();
    pool = createPool({ url, role: 'threadline_app' });
    owner = createPool({ url });
    const organizationId = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id;
    storage = await openTelemetryStorage(pool);
    const ingest = IngestService.forPool(pool, storage);
    adapter = new MqttAdapter({
      url: mqttUrl(),
      organizationId,
      ingest,
      events: new EventIngest(pool),
      frames: new FrameIngest(pool, new DiskFrameStore(await mkdtemp(join(tmpdir(), 'threadline-frames-')))),
      log: pino({ level: 'silent' }),
      topicPrefix: prefix,
      clientId: `tl-test-${randomBytes(4).toString('hex')}`,
    });
    await adapter.start();
    publisher = await mqtt.connectAsync(mqttUrl(), { protocolVersion: 5 });
  });
  afterAll(async () => {
    await publisher?.endAsync();
    await adapter?.stop();
    await pool?.end();
    await owner?.end();
  });

  it('stores plain JSON readings addressed by topic, and a resent message once', async () => {
    const topic = 'threadline/lej/LEJ-L1-CMP01/discharge_pressure';
    const message = JSON.stringify([
      { time: base + 1000, value: 7.1 },
      { t: new Date(base + 2000).toISOString(), v: 9.2 },
    ]);
    await publish(topic, message);
    await publish(topic, message);
    expect(await stored(topic)).toEqual([
      [1000, 7.1, 0],
      [2000, 9.2, 1],
    ]);
    expect(adapter.stats).toMatchObject({ accepted: 2, duplicates: 2, rejected: 0 });
  });

  it('decodes Sparkplug B births and data, resolving metric aliases', async () => {
    const device = 'spBv1.0/northwind/DBIRTH/brq-gw-01/BRQ-L1-CMP01';
    await publish(
      device,
      Buffer.from(
        sparkplug.encodePayload({
          timestamp: base + 3000,
          metrics: [
            { name: 'discharge_pressure', alias: 1, type: 'Double', value: 7.4, timestamp: base + 3000 },
            { name: 'power', alias: 2, type: 'Double', value: 30.5, timestamp: base + 3000 },
          ],
        }),
      ),
    );
    await publish(
      'spBv1.0/northwind/DDATA/brq-gw-01/BRQ-L1-CMP01',
      Buffer.from(
        sparkplug.encodePayload({
          timestamp: base + 4000,
          metrics: [
            { alias: 1, type: 'Double', value: 7.6, timestamp: base + 4000 },
            { alias: 2, type: 'Double', value: 31, timestamp: base + 4000 },
          ],
        }),
      ),
    );
    expect(await stored('northwind/brq-gw-01/BRQ-L1-CMP01/discharge_pressure')).toEqual([
      [3000, 7.4, 0],
      [4000, 7.6, 0],
    ]);
    expect(await stored('northwind/brq-gw-01/BRQ-L1-CMP01/power')).toEqual([
      [3000, 30.5, 0],
      [4000, 31, 0],
    ]);
  });

  it("stores events published on an asset's events topic, once", async () => {
    const alarm = JSON.stringify({
      time: new Date(base + 7000).toISOString(),
      kind: 'ALARM',
      severity: 'CRITICAL',
      code: 'VIBRATION_HIGH',
      message: 'Spindle vibration 9.8 mm/s',
      attributes: { value: 9.8 },
    });
    await publish('threadline/lej/LEJ-L1-CNC02/events', alarm);
    await publish('threadline/lej/LEJ-L1-CNC02/events', alarm);
    await publish('threadline/lej/NO-SUCH/events', alarm);
    const { rows } = await pool.query(
      'SELECT a.code, e.kind, e.severity, e.code AS event, e.attributes FROM plant_events e JOIN assets a ON a.id = e.asset_id',
    );
    expect(rows).toEqual([{ code: 'LEJ-L1-CNC02', kind: 'ALARM', severity: 'CRITICAL', event: 'VIBRATION_HIGH', attributes: { value: 9.8 } }]);
  });

  it('refuses what it cannot decode or place, and keeps the good messages around it', async () => {
    const before = { ...adapter.stats };
    await publish('threadline/lej/LEJ-L1-CMP01/flow', 'not json');
    await publish('threadline/lej/NO-SUCH-ASSET/flow', JSON.stringify({ time: base + 5000, value: 1 }));
    await publish('threadline/lej/LEJ-L1-CMP01/flow', JSON.stringify({ time: base + 6000, value: 5.5 }));
    expect(adapter.stats.undecodable - before.undecodable).toBe(1);
    expect(adapter.stats.rejected - before.rejected).toBe(1);
    expect(await stored('threadline/lej/LEJ-L1-CMP01/flow')).toEqual([[6000, 5.5, 0]]);
  });

  it('stores a burst of single-reading messages once each', async () => {
    const topic = 'threadline/lej/LEJ-L1-CMP01/power';
    const times = Array.from({ length: 3_000 }, (_, i) => base + 10_000 + i * 100);
    await Promise.all(times.map((time, i) => publisher.publishAsync(prefix + topic, JSON.stringify({ time, value: i }), { qos: 1 })));
    await waitFor('the burst to be stored', async () => (await stored(topic)).length >= times.length, { timeoutMs: 60_000 });
    await adapter.settled();
    expect((await stored(topic)).map(([time]) => time + base)).toEqual(times);
  });

  it('does not acknowledge what the database refused: the broker delivers it again once writes succeed', async () => {
    const topic = 'threadline/lej/LEJ-L1-CMP01/discharge_temperature';
    const failedBefore = adapter.stats.failedWrites;
    await owner.query('REVOKE INSERT ON telemetry FROM threadline_app');
    try {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          publisher.publishAsync(prefix + topic, JSON.stringify({ time: base + 20_000 + i * 1000, value: 60 + i }), { qos: 1 }),
        ),
      );
      await waitFor('a write to fail', () => adapter.stats.failedWrites > failedBefore, { timeoutMs: 60_000 });
    } finally {
      await owner.query('GRANT INSERT ON telemetry TO threadline_app');
    }
    await waitFor('the redelivered messages to be stored', async () => (await stored(topic)).length >= 20, { timeoutMs: 90_000 });
    await adapter.settled();
    expect((await stored(topic)).map(([time, value]) => [time, value])).toEqual(Array.from({ length: 20 }, (_, i) => [20_000 + i * 1000, 60 + i]));
  });

  it('stores the backlog a resumed session holds: what arrived while the adapter was down', async () => {
    const clientId = `tl-test-${randomBytes(4).toString('hex')}`;
    const organizationId = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id;
    const make = () =>
      new MqttAdapter({
        url: mqttUrl(),
        organizationId,
        ingest: IngestService.forPool(pool, storage),
        events: new EventIngest(pool),
        log: pino({ level: 'silent' }),
        topicPrefix: backlogPrefix,
        clientId,
        connections: 1,
      });
    const first = make();
    await first.start();
    await first.stop();
    const topic = 'threadline/lej/LEJ-L1-CMP01/discharge_pressure';
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        publisher.publishAsync(backlogPrefix + topic, JSON.stringify({ time: base + 100_000 + i * 1000, value: 7 }), { qos: 1 }),
      ),
    );
    const second = make();
    await second.start();
    try {
      await waitFor('the backlog to be stored', async () => (await stored(topic)).filter(([time]) => time >= 100_000).length >= 50, { timeoutMs: 60_000 });
      expect(second.stats.messages).toBe(50);
    } finally {
      await second.stop();
    }
  });

  it('stores a camera frame once however often it is sent, and refuses a payload that is no image', async () => {
    const topic = 'threadline/lej/LEJ-L1-VIS01/camera/top';
    const frame = plateFrame(seededRandom(4), { x: 20, y: 20 }, 'jpeg');
    const time = new Date(base + 5_000).toISOString();
    await publish(topic, frame, { time, label: 'DEFECT' });
    await publish(topic, frame, { time, label: 'DEFECT' });
    const undecodable = adapter.stats.rejected;
    await publish(topic, Buffer.from('not an image'), { time: new Date(base + 6_000).toISOString() });
    expect(adapter.stats.rejected).toBe(undecodable + 1);
    const frames = await pool.query(
      "SELECT f.camera, f.ts, f.label, f.content_type FROM frames f JOIN assets a ON a.id = f.asset_id WHERE a.code = 'LEJ-L1-VIS01' ORDER BY f.ts",
    );
    expect(frames.rows).toEqual([{ camera: 'top', ts: new Date(time), label: 'DEFECT', content_type: 'image/jpeg' }]);
  });
});
