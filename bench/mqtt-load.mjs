// A worker thread that publishes benchmark readings to MQTT at QoS 1, so that the publisher does not
// compete with the ingest path for the main thread. It speaks MQTT 3.1.1 on a raw socket with
// mqtt-packet (a full client tops out near 17,000 QoS 1 messages/s on one core here, below what
// the benchmark offers) and counts a message sent once the broker has acknowledged it.
// workerData: { url, rate, readingsPerMessage, topics, origin, durationMs }: readings at `rate`
// points per second for `durationMs`, round-robin over the topics, one second apart per topic from
// `origin`; a message of one reading is a JSON object, of several a JSON array. Reports
// { sent (points), messages, seconds (until the last acknowledgement) }.
import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import mqttPacket from 'mqtt-packet';

const WINDOW = 2_000; // messages awaiting their PUBACK at once
const TICK_MS = 10;

function connect(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port || 1883), hostname);
    socket.setNoDelay(true);
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    socket.on('data', (chunk) => parser.parse(chunk));
    socket.once('error', reject);
    parser.once('packet', (packet) => {
      if (packet.cmd !== 'connack' || packet.returnCode !== 0) reject(new Error(`broker refused the load connection: ${JSON.stringify(packet)}`));
      else resolve({ socket, parser });
    });
    socket.write(
      mqttPacket.generate({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        keepalive: 60,
        clientId: `tl-load-${process.pid}-${Date.now()}`,
      }),
    );
  });
}

const { url, rate, readingsPerMessage, topics, origin, durationMs } = workerData;
const { socket, parser } = await connect(url);
let inflight = 0;
let acked = 0;
let wake = null;
parser.on('packet', (packet) => {
  if (packet.cmd !== 'puback') return;
  inflight -= 1;
  acked += 1;
  wake?.();
});
const until = () => new Promise((resolve) => (wake = resolve));

const started = performance.now();
const perTopicSeconds = new Array(topics.length).fill(0);
let messages = 0;
let points = 0;
let nextId = 1;
while (performance.now() - started < durationMs) {
  const due = Math.floor(((performance.now() - started) / 1000) * rate);
  const chunks = [];
  while (points < due && inflight < WINDOW) {
    const t = messages % topics.length;
    const count = Math.min(readingsPerMessage, due - points);
    const readings = Array.from({ length: count }, (_, k) => ({ time: origin + (perTopicSeconds[t] + k) * 1000, value: k }));
    perTopicSeconds[t] += count;
    const payload = JSON.stringify(readingsPerMessage === 1 ? readings[0] : readings);
    chunks.push(mqttPacket.generate({ cmd: 'publish', topic: topics[t], payload, qos: 1, messageId: nextId, retain: false, dup: false }));
    nextId = nextId === 65_535 ? 1 : nextId + 1;
    inflight += 1;
    messages += 1;
    points += count;
  }
  if (chunks.length > 0) socket.write(Buffer.concat(chunks));
  if (inflight >= WINDOW) await until();
  else await new Promise((resolve) => setTimeout(resolve, TICK_MS));
}
while (acked < messages) await until();
const seconds = (performance.now() - started) / 1000;
socket.end(mqttPacket.generate({ cmd: 'disconnect' }));
parentPort.postMessage({ sent: points, messages, seconds });
