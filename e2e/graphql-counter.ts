// A pass-through in front of the API for the journeys: the portal's server talks to the API through
// it, and it keeps when each GraphQL request started and ended, so a test can count the requests
// (and rounds of requests) a page's first view sends. GET /__requests lists them, POST /__reset
// forgets them; everything else is forwarded unchanged.
import http from 'node:http';

const target = process.env.E2E_COUNTER_TARGET ?? 'http://127.0.0.1:4610';
const port = Number(process.env.E2E_COUNTER_PORT ?? 4611);
let requests: { startedAt: number; endedAt: number; query: string }[] = [];

const read = (request: http.IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    request
      .on('data', (c: Buffer) => chunks.push(c))
      .on('end', () => resolve(Buffer.concat(chunks)))
      .on('error', reject);
  });

http
  .createServer(async (request, response) => {
    if (request.url === '/__requests') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(requests));
      return;
    }
    if (request.url === '/__reset' && request.method === 'POST') {
      requests = [];
      response.writeHead(204).end();
      return;
    }
    const startedAt = Date.now();
    const body = await read(request);
    const headers = Object.fromEntries(
      Object.entries(request.headers)
        .filter(([k]) => !['host', 'content-length', 'connection'].includes(k))
        .map(([k, v]) => [k, String(v)]),
    );
    try {
      const upstream = await fetch(`${target}${request.url}`, { method: request.method, headers, body: body.length > 0 ? body : undefined });
      const answer = Buffer.from(await upstream.arrayBuffer());
      if (request.url?.startsWith('/graphql')) {
        const query = body.length > 0 ? String((JSON.parse(body.toString()) as { query?: string }).query ?? '') : '';
        requests.push({ startedAt, endedAt: Date.now(), query: query.replace(/\s+/g, ' ').slice(0, 120) });
      }
      response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream' }).end(answer);
    } catch {
      response.writeHead(502).end();
    }
  })
  .listen(port, '127.0.0.1');
