// A worker thread that publishes benchmark messages to MQTT (QoS 1), so that the publisher does
// not compete with the ingest adapter for the main thread. workerData: { url, messages } sends
// the messages once; { url, rate, readingsPerMessage, topics, origin, durationMs } publishes
// readings at `rate` points per second for `durationMs` and reports how many it sent.
import { parentPort, workerData } from 'node:worker_threads';
import mqtt from 'mqtt';

const client = await mqtt.connectAsync(workerData.url);
if (workerData.messages) {
  await Promise.all(workerData.messages.map(([topic, body]) => client.publishAsync(topic, body, { qos: 1 })));
  await client.endAsync();
  parentPort.postMessage({ sent: workerData.messages.length });
} else {
  const { rate, readingsPerMessage, topics, origin, durationMs } = workerData;
  const started = Date.now();
  let points = 0;
  let second = 0;
  while (Date.now() - started < durationMs) {
    const tick = Date.now();
    const perTick = rate / 10;
    const perTopic = Math.max(1, Math.round(perTick / topics.length));
    const sends = [];
    for (const topic of topics) {
      for (let i = 0; i < perTopic; i += readingsPerMessage) {
        const count = Math.min(readingsPerMessage, perTopic - i);
        const readings = Array.from({ length: count }, (_, k) => ({ time: origin + (second + i + k) * 1000, value: k }));
        sends.push(client.publishAsync(topic, JSON.stringify(readings), { qos: 1 }));
        points += count;
      }
    }
    second += perTopic;
    await Promise.all(sends);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 100 - (Date.now() - tick))));
  }
  await client.endAsync();
  parentPort.postMessage({ sent: points, seconds: (Date.now() - started) / 1000 });
}
