// `npm run simulate -w @threadline/workers`: the plant simulator. Serves every OPC_UA signal of
// the demo plant from its own OPC UA server and publishes the MQTT and Sparkplug B ones, a reading
// per signal per tick, following the seeded scenario with its injected faults, and the inspection
// stations' camera frames (synthetic housings, a share of them defective). The OPC UA signals'
// alarms are the server's Alarms & Conditions; the others' alarms and state changes go over MQTT.
import pino from 'pino';
import { z } from 'zod';
import { createPool } from '@threadline/db/client';
import { parseEnv, readDbConfig } from '@threadline/db/config';
import { adapterOrganization } from '@threadline/db/plant/organizations';
import { loadPlantSignals } from './plant-signals.ts';
import { SimulatorMqttPublisher } from './mqtt-publisher.ts';
import { OPCUA_SEVERITY, SimulatorOpcUaServer } from './opcua-server.ts';
import { Scenario } from './scenario.ts';
import { AlarmLogic } from './alarms.ts';
import { SimulatorCameras, stationsOf } from './cameras.ts';
import { systemClock } from '@threadline/db/clock';

const config = parseEnv(
  z.object({
    MQTT_URL: z.url().default('mqtt://127.0.0.1:1883'),
    PLANT_ORGANIZATION: z.string().optional(),
    SIMULATOR_SEED: z.coerce.number().int().default(20261123),
    SIMULATOR_TICK_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
    SIMULATOR_OPCUA_PORT: z.coerce.number().int().min(1).max(65535).default(4840),
    /** How often each inspection station's camera photographs a part. */
    SIMULATOR_CAMERA_MS: z.coerce.number().int().min(200).max(600_000).default(5_000),
    LOG_LEVEL: z.string().default('info'),
  }),
  process.env,
  'simulator',
);
const db = readDbConfig();
const log = pino({ name: 'threadline-simulator', level: config.LOG_LEVEL });

const pool = createPool({ url: db.DATABASE_URL, role: db.DATABASE_APP_ROLE, poolSize: 2 });
const signals = await loadPlantSignals(pool, await adapterOrganization(pool, config.PLANT_ORGANIZATION));
await pool.end();
const scenario = new Scenario(config.SIMULATOR_SEED);
const opcua = new SimulatorOpcUaServer(config.SIMULATOR_OPCUA_PORT);
const skipped = await opcua.start(signals);
if (skipped.length > 0) log.warn({ skipped }, 'OPC UA signals whose node ids are not ns=1;s=… are not simulated');
const mqtt = new SimulatorMqttPublisher(config.MQTT_URL);
await mqtt.start(signals);

const alarms = new AlarmLogic();
const valuesAt = (t: number) => new Map(signals.map((s) => [s.address, scenario.read(s, t).value]));
await mqtt.birth(valuesAt(systemClock.nowMs()), systemClock.now());
log.info({ signals: signals.length, opcua: opcua.endpointUrl, mqtt: config.MQTT_URL, seed: config.SIMULATOR_SEED }, 'plant simulator running');

const cameras = new SimulatorCameras(stationsOf(signals), config.SIMULATOR_SEED + 1);
const cameraTimer = setInterval(() => {
  const t = Math.floor(systemClock.nowMs() / config.SIMULATOR_CAMERA_MS) * config.SIMULATOR_CAMERA_MS;
  mqtt.publishFrames(cameras.shoot(new Date(t))).catch((err: unknown) => log.warn({ err }, 'publishing camera frames failed'));
}, config.SIMULATOR_CAMERA_MS);

const timer = setInterval(() => {
  const t = Math.floor(systemClock.nowMs() / config.SIMULATOR_TICK_MS) * config.SIMULATOR_TICK_MS;
  const readings = signals.map((signal) => ({ signal, reading: scenario.read(signal, t) }));
  const values = new Map(readings.map((r) => [r.signal.address, r.reading.value]));
  const time = new Date(t);
  // Alarms of OPC UA signals are the server's conditions; the rest go out over MQTT.
  const [conditions, events] = partition(alarms.step(readings, time), (e) => e.signal?.protocol === 'OPC_UA');
  for (const e of conditions) {
    if (e.kind === 'ALARM') opcua.raiseAlarm(e.signal!.address, OPCUA_SEVERITY[e.severity as 'WARNING' | 'CRITICAL'], e.message, time);
    else opcua.clearAlarm(e.signal!.address, e.message, time);
  }
  if (events.length > 0) mqtt.publishEvents(events).catch((err: unknown) => log.warn({ err }, 'publishing events failed'));
  for (const signal of signals) if (signal.protocol === 'OPC_UA') opcua.publish(signal.address, values.get(signal.address)!, time);
  mqtt.publish(signals, values, time).catch((err: unknown) => log.warn({ err }, 'publishing failed'));
}, config.SIMULATOR_TICK_MS);

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    clearInterval(timer);
    clearInterval(cameraTimer);
    void Promise.all([mqtt.stop(), opcua.stop()]).then(() => process.exit(0));
  });
}
