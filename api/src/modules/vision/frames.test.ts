// Camera frames over HTTP: stored once per (asset, camera, time), content-addressed on disk;
// refused before anything is stored when the body is too large or is not a complete JPEG or PNG,
// or when the caller is not authenticated; readable back by a signed-in person.
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES } from '@threadline/db/vision/frame-format';
import { seededRandom } from '@threadline/db/random';
import { plateFrame } from '../../../../scripts/test/frame-fixture.ts';
import { startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';

const BOUNDARY = 'threadline-test-boundary';

function multipart(fields: Record<string, string>, file: Buffer, contentType: string): Buffer {
  const parts = Object.entries(fields).map(([name, value]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  return Buffer.concat([
    Buffer.from(parts.join('')),
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="frame"; filename="frame"\r\nContent-Type: ${contentType}\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => e.name);
}

describe('camera frames over HTTP', () => {
  let api: ApiHarness;
  let key: string;
  let store: string;
  const random = seededRandom(11);
  const time = (s: number) => new Date(Date.now() - 600_000 + s * 1000).toISOString();

  beforeAll(async () => {
    store = await mkdtemp(join(tmpdir(), 'threadline-frames-'));
    api = await startApi({ FRAME_STORE_DIR: store });
    const admin = await api.login('admin@northwind.example');
    key = (await api.gql('mutation { createApiKey(input: { name: "camera", scopes: ["telemetry:write"] }) { token } }', {}, admin)).data!.createApiKey.token;
  });
  afterAll(async () => api?.close());

  const post = (payload: Buffer, headers: Record<string, string>, url = '/ingest/frames') =>
    api.app.inject({ method: 'POST', url, headers: { 'x-api-key': key, ...headers }, payload });

  it('stores a frame sent twice once, and serves it back', async () => {
    const jpeg = plateFrame(random, { x: 5, y: 5 }, 'jpeg');
    const body = multipart({ assetCode: 'LEJ-L1-VIS01', camera: 'cam-1', time: time(1), label: 'DEFECT' }, jpeg, 'image/jpeg');
    const headers = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };
    const first = await post(body, headers);
    expect(first.statusCode).toBe(201);
    const { frameId } = first.json() as { frameId: string };
    const again = await post(body, headers);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ accepted: 0, duplicates: 1, frameId: null });
    const stored = await api.services.db.pool.query('SELECT camera, label, width, height, content_type FROM frames WHERE id = $1', [frameId]);
    expect(stored.rows).toEqual([{ camera: 'cam-1', label: 'DEFECT', width: 64, height: 64, content_type: 'image/jpeg' }]);
    expect(await filesUnder(store)).toHaveLength(1);

    const viewer = await api.login('viewer@northwind.example');
    const read = await api.app.inject({ method: 'GET', url: `/frames/${frameId}`, headers: { authorization: `Bearer ${viewer}` } });
    expect(read.statusCode).toBe(200);
    expect(read.headers['content-type']).toBe('image/jpeg');
    expect(Buffer.compare(read.rawPayload, jpeg)).toBe(0);
  });

  it('takes a bare PNG body with its fields in the query string', async () => {
    const png = plateFrame(random, null, 'png');
    const response = await post(png, { 'content-type': 'image/png' }, `/ingest/frames?assetCode=LEJ-L1-VIS01&camera=cam-2&time=${Date.now() - 60_000}`);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ accepted: 1, duplicates: 0 });
  });

  it('refuses, before storing anything, an oversized body, bytes that are no image and a truncated image', async () => {
    const before = await filesUnder(store);
    const count = async () => Number((await api.services.db.pool.query('SELECT count(*) FROM frames')).rows[0].count);
    const frames = await count();

    const huge = Buffer.alloc(MAX_FRAME_BYTES + 1, 0xff);
    const tooLarge = await post(huge, { 'content-type': 'image/jpeg' }, `/ingest/frames?assetCode=LEJ-L1-VIS01&camera=cam-1&time=${time(5)}`);
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json().error.code).toBe('PAYLOAD_TOO_LARGE');

    const notImage = multipart({ assetCode: 'LEJ-L1-VIS01', camera: 'cam-1', time: time(6) }, Buffer.from('<html>not an image</html>'), 'image/png');
    const refused = await post(notImage, { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toContain('neither a JPEG nor a PNG');

    const jpeg = plateFrame(random, null, 'jpeg');
    const truncated = await post(
      jpeg.subarray(0, jpeg.length - 100),
      { 'content-type': 'image/jpeg' },
      `/ingest/frames?assetCode=LEJ-L1-VIS01&camera=cam-1&time=${time(7)}`,
    );
    expect(truncated.statusCode).toBe(400);
    expect(truncated.json().error.message).toContain('truncated');

    const unknownAsset = await post(jpeg, { 'content-type': 'image/jpeg' }, `/ingest/frames?assetCode=NO-SUCH&camera=cam-1&time=${time(8)}`);
    expect(unknownAsset.statusCode).toBe(400);
    expect(unknownAsset.json().error.message).toContain('unknown asset NO-SUCH');

    expect(await count()).toBe(frames);
    expect(await filesUnder(store)).toEqual(before);
  });

  it('answers 401 to a caller without a key, and 403 to a key without telemetry:write', async () => {
    const jpeg = plateFrame(random, null, 'jpeg');
    const anonymous = await api.app.inject({
      method: 'POST',
      url: `/ingest/frames?assetCode=LEJ-L1-VIS01&camera=cam-1&time=${time(9)}`,
      headers: { 'content-type': 'image/jpeg' },
      payload: jpeg,
    });
    expect(anonymous.statusCode).toBe(401);
    const admin = await api.login('admin@northwind.example');
    const reader = (await api.gql('mutation { createApiKey(input: { name: "reader", scopes: ["read"] }) { token } }', {}, admin)).data!.createApiKey.token;
    const forbidden = await api.app.inject({
      method: 'POST',
      url: `/ingest/frames?assetCode=LEJ-L1-VIS01&camera=cam-1&time=${time(9)}`,
      headers: { 'content-type': 'image/jpeg', 'x-api-key': reader },
      payload: jpeg,
    });
    expect(forbidden.statusCode).toBe(403);
  });
});
