// One POST of a notification to a webhook, Slack or Teams URL: the host is resolved and checked
// (notifications/network-guard.ts) and the connection pinned to the checked address, redirects are
// not followed, and the answer must come within the timeout. A 2xx answer is delivered; anything
// else throws with the status.
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { BlockList } from 'node:net';
import { checkedAddress } from '@threadline/db/notifications/network-guard';

export class DeliveryRefused extends Error {
  constructor(
    message: string,
    readonly responseStatus: number | null,
  ) {
    super(message);
  }
}

export async function postJson(
  target: string,
  body: string,
  headers: Record<string, string>,
  allowed: BlockList,
  timeoutMs = 10_000,
): Promise<{ responseStatus: number }> {
  const url = new URL(target);
  const pinned = await checkedAddress(url, allowed);
  const lookup: LookupFunction = (_host, options, callback) => {
    if (options.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        lookup,
        timeout: timeoutMs,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'Threadline-Notifications/1', ...headers },
      },
      (response) => {
        response.resume();
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve({ responseStatus: status });
          else reject(new DeliveryRefused(`the receiver answered HTTP ${status}`, status));
        });
      },
    );
    request.on('timeout', () => request.destroy(new DeliveryRefused(`no answer within ${timeoutMs} ms`, null)));
    request.on('error', (error) => reject(error instanceof DeliveryRefused ? error : new DeliveryRefused(error.message, null)));
    request.end(body);
  });
}
