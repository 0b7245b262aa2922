// The load of `npm run scale`: HTTP bulk batches from a few senders, alternating between the APIs
// and resending a batch to the other API when one does not answer (a point counts as sent once an
// API acknowledged it), and single-reading MQTT messages at a fixed rate from a worker thread (sent
// once the broker acknowledged them). Every point has its own (signal, time), so what is stored can
// be counted against what was sent.
import { Worker } from 'node:worker_threads';
import { sleep } from '../chaos/outcome.ts';

export interface HttpLoad {
  apis: string[];
  apiKey: string;
  signals: string[];
  /** Epoch ms of the first point; points are 1 s apart per signal. */
  origin: number;
  batches: number;
  batchSize: number;
  senders: number;
}

/** Sends every batch once acknowledged; resolves with the points acknowledged and the resends needed. */
export async function sendHttp(load: HttpLoad): Promise<{ sent: number; resends: number }> {
  let next = 0;
  let sent = 0;
  let resends = 0;
  await Promise.all(
    Array.from({ length: load.senders }, async (_, sender) => {
      for (;;) {
        const batch = next;
        next += 1;
        if (batch >= load.batches) return;
        const body = JSON.stringify(
          Array.from({ length: load.batchSize }, (_, i) => {
            const n = batch * load.batchSize + i;
            return {
              signalId: load.signals[n % load.signals.length],
              time: new Date(load.origin + Math.floor(n / load.signals.length) * 1000).toISOString(),
              value: n % 97,
            };
          }),
        );
        for (let attempt = 0; ; attempt += 1) {
          const api = load.apis[(batch + sender + attempt) % load.apis.length]!;
          const accepted = await fetch(`${api}/ingest/telemetry`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${load.apiKey}` },
            body,
            signal: AbortSignal.timeout(30_000),
          })
            .then(async (res) => {
              if (!res.ok) return null;
              const result = (await res.json()) as { accepted: number; duplicates: number };
              return result.accepted + result.duplicates;
            })
            .catch(() => null);
          // Taken whole (a resend of what an API stored before it died counts its points as duplicates).
          if (accepted === load.batchSize) break;
          resends += 1;
          await sleep(200);
        }
        sent += load.batchSize;
      }
    }),
  );
  return { sent, resends };
}

/** Single-reading QoS 1 messages at `rate` per second for `durationMs` (bench/mqtt-load.mjs in a thread). */
export function sendMqtt(options: {
  url: string;
  topics: string[];
  origin: number;
  rate: number;
  durationMs: number;
}): Promise<{ sent: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('../../bench/mqtt-load.mjs', import.meta.url), { workerData: { ...options, readingsPerMessage: 1 } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}
