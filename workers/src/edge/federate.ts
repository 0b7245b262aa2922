// `threadline-edge federate`: an edge agent's part in a federated run. The site's labelled table
// (its historian and CMMS export) is read on site and never sent: each round the agent asks the
// core for the global model, computes its clipped, noised gradient over its rows and sends only
// that vector; at the end, its noised score histograms. It returns when the core has aggregated
// the run. Every request it makes goes through `transport`, so what crosses to the core is one
// place to see (and for a test to record).
import type { Logger } from 'pino';
import { systemClock, type Clock } from '@threadline/db/clock';
import type { RoundOffer, SiteUpdate } from '@threadline/db/federation/federated-runs';
import { siteRowsOf, type SiteRows } from '@threadline/db/federation/federated-spec';
import { gradientUpdate, scoreHistogram, secureGaussian, type Gaussian } from '@threadline/db/federation/site-update';

export interface CoreResponse {
  status: number;
  body: unknown;
}

/** One request to the core: GET without a body, POST with a JSON body. */
export type Transport = (method: 'GET' | 'POST', path: string, body?: unknown) => Promise<CoreResponse>;

export function httpTransport(core: { url: string; apiKey: string }): Transport {
  return async (method, path, body) => {
    const response = await fetch(`${core.url}${path}`, {
      method,
      headers: { 'x-api-key': core.apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json().catch(() => null) };
  };
}

export interface Participation {
  runId: string;
  targetId: string;
  /** The site's table as records (column → cell): read on site, never sent. */
  records: readonly ReadonlyMap<string, string>[];
  transport: Transport;
  log: Logger;
  pollMs?: number;
  /** Gives up (throws) when the run has not finished by then (epoch ms). */
  deadline?: number;
  gaussian?: Gaussian;
  clock?: Clock;
}

export interface ParticipationResult {
  rounds: number;
  rows: number;
  skipped: number;
}

export async function takePart(options: Participation): Promise<ParticipationResult> {
  const gaussian = options.gaussian ?? secureGaussian();
  const clock = options.clock ?? systemClock;
  const path = `/edge/federated/${options.runId}`;
  let site: SiteRows | null = null;
  let rounds = 0;
  for (;;) {
    if (options.deadline !== undefined && clock.nowMs() > options.deadline) throw new Error(`federated run ${options.runId} did not finish in time`);
    const asked = await options.transport('GET', `${path}?targetId=${options.targetId}`);
    if (asked.status !== 200) throw new Error(`the core refused the round request (${asked.status}): ${JSON.stringify(asked.body)}`);
    const offer = asked.body as RoundOffer;
    if (offer.phase === 'AGGREGATED') return { rounds, rows: site?.rows.length ?? 0, skipped: site?.skipped ?? 0 };
    if (offer.sent) {
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
      continue;
    }
    site ??= siteRowsOf(offer.spec, options.records);
    if (site.rows.length === 0) throw new Error('no row of the site table can be read with the run’s spec');
    const update: SiteUpdate =
      offer.phase === 'GRADIENT'
        ? { phase: 'GRADIENT', round: offer.round, values: gradientUpdate(site, offer.weights, offer.privacy, gaussian) }
        : { phase: 'HISTOGRAM', round: offer.round, values: scoreHistogram(site, offer.weights, offer.privacy.bins, offer.privacy.histogramNoise, gaussian) };
    const sent = await options.transport('POST', `${path}/updates`, { targetId: options.targetId, ...update });
    // 409: another site's update closed the round first; ask again.
    if (sent.status !== 200 && sent.status !== 409) throw new Error(`the core refused the update (${sent.status}): ${JSON.stringify(sent.body)}`);
    if (sent.status === 200 && update.phase === 'GRADIENT') rounds += 1;
    options.log.debug({ phase: update.phase, round: update.round }, 'federated: update sent');
  }
}
