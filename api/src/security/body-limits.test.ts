// Work before authentication and bodies past their limits (issue 17, items 1 and 6): a caller is
// authenticated from its headers before its body is read, so wrong credentials are answered while
// the body is still on its way; bodies are cut off past their limit as they stream, counted after
// unpacking gzip; an anonymous caller of /graphql may send only a small body; and operations with
// too many tokens or variables nested too deep are 400s with their code, never 500s.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest, startApi, type ApiHarness } from '../../../scripts/test/api-harness.ts';
import { MAX_VARIABLE_DEPTH } from './operation-input-guard.ts';
import { QUERY_LIMITS } from './query-limits.ts';

describe('bodies and authentication', () => {
  let api: ApiHarness;
  let port: number;
  let key: string;
  let engineer: string;
  let signalId: string;
  const time = new Date(Date.now() - 3_600_000).toISOString();

  beforeAll(async () => {
    api = await startApi();
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    port = (api.app.server.address() as AddressInfo).port;
    const admin = await api.login('admin@northwind.example');
    engineer = await api.login('engineer@northwind.example');
    key = (await api.gql('mutation { createApiKey(input: { name: "gw", scopes: ["telemetry:write"] }) { token } }', {}, admin)).data!.createApiKey.token;
    signalId = (await api.services.db.prisma.signal.findFirstOrThrow({ where: { name: 'power', asset: { code: 'LEJ-L1-CMP01' } } })).id;
  });
  afterAll(async () => api?.close());

  /** Sends only the headers of a 1 MB upload and resolves with the answer, which must come before any body. */
  const answerBeforeBody = (path: string, headers: Record<string, string>) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-length': '1000000', ...headers } }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode!, body }));
      });
      request.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
      request.flushHeaders();
      setTimeout(() => request.destroy(), 30_000).unref();
    });

  it('answers a wrong key on /ingest before reading the body', async () => {
    const res = await answerBeforeBody('/ingest/telemetry', {
      authorization: 'Bearer tl_000000000000_wrong',
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body).error).toMatchObject({ code: 'UNAUTHENTICATED', message: 'The API key is not valid.' });
    const anonymous = await answerBeforeBody('/ingest/events', { 'content-type': 'application/json' });
    expect(anonymous.status).toBe(401);
  });

  it('answers a forged session token on /graphql before reading the body', async () => {
    const res = await answerBeforeBody('/graphql', { authorization: `Bearer ${engineer.slice(0, -4)}AAAA`, 'content-type': 'application/json' });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('takes API keys only on /ingest, not session tokens', async () => {
    const res = await httpRequest(api, {
      method: 'POST',
      url: '/ingest/telemetry',
      headers: { authorization: `Bearer ${engineer}`, 'content-type': 'application/json' },
      payload: JSON.stringify([{ signalId, time, value: 1 }]),
    });
    expect(res.status).toBe(401);
    expect(res.json().error.message).toMatch(/takes an API key, not a session token/);
  });

  it('refuses a gzip body that unpacks past 16 MiB with 413, storing nothing', async () => {
    // One good point, then 17 MiB of blanks: 17 KB on the wire.
    const body = gzipSync(`[${JSON.stringify({ signalId, time, value: 7 })}${' '.repeat(17 * 1024 * 1024)}]`);
    expect(body.length).toBeLessThan(64 * 1024);
    const res = await httpRequest(api, {
      method: 'POST',
      url: '/ingest/telemetry',
      headers: { 'x-api-key': key, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: body,
    });
    expect(res.status).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: 'The body is larger than 16 MiB; send smaller batches.' });
    const stored = await api.services.db.pool.query('SELECT 1 FROM telemetry WHERE signal_id = $1 AND time = $2', [signalId, time]);
    expect(stored.rowCount).toBe(0);
  });

  it('refuses a gzip bomb with 413 and keeps serving', async () => {
    const bomb = gzipSync(Buffer.alloc(256 * 1024 * 1024, 0x20));
    const res = await httpRequest(api, {
      method: 'POST',
      url: '/ingest/telemetry',
      headers: { 'x-api-key': key, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: bomb,
    });
    expect(res.status).toBe(413);
    expect((await httpRequest(api, { method: 'GET', url: '/health' })).status).toBe(200);
  });

  it('lets an anonymous caller of /graphql send 64 KiB at most, and a signed-in one more', async () => {
    const padded = (token?: string) =>
      api.app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        payload: JSON.stringify({ query: '{ viewer { kind } }', variables: { padding: 'x'.repeat(100 * 1024) } }),
      });
    const anonymous = await padded();
    expect(anonymous.statusCode).toBe(413);
    expect(anonymous.json().errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    const signedIn = await padded(engineer);
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json().data.viewer.kind).toBe('USER');
  });

  it(`answers an operation of more than ${QUERY_LIMITS.tokens} tokens with 400 GRAPHQL_PARSE_FAILED`, async () => {
    const fields = Array.from({ length: QUERY_LIMITS.tokens + 1 }, () => 'id').join(' ');
    const res = await api.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${engineer}` },
      payload: JSON.stringify({ query: `{ viewer { ${fields} } }` }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
    expect(res.json().errors[0].message).toMatch(/more that 3000 tokens/);
  });

  it(`answers a variable nested more than ${MAX_VARIABLE_DEPTH} deep with 400 BAD_USER_INPUT, however deep`, async () => {
    for (const depth of [MAX_VARIABLE_DEPTH + 1, 100_000]) {
      const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const res = await api.app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${engineer}` },
        payload: `{"query":"{ viewer { kind } }","variables":{"deep":${deep}}}`,
      });
      expect(res.statusCode, `depth ${depth}`).toBe(400);
      expect(res.json().errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(res.json().errors[0].message).toMatch(/The variable deep\[0\].* nests deeper than 64 levels/);
    }
    const fine = `${'['.repeat(MAX_VARIABLE_DEPTH - 1)}${']'.repeat(MAX_VARIABLE_DEPTH - 1)}`;
    const res = await api.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${engineer}` },
      payload: `{"query":"{ viewer { kind } }","variables":{"deep":${fine}}}`,
    });
    expect(res.statusCode).toBe(200);
  });
});
