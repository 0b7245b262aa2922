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

  it("lists an asset's frames, labels one (audited, operations:write only) and shows an insight's heat map", async () => {
    const asset = await api.services.db.prisma.asset.findFirstOrThrow({ where: { code: 'LEJ-L1-VIS01' } });
    const engineer = await api.login('engineer@northwind.example');
    const FRAMES = 'query($a: ID!) { frames(assetId: $a, limit: 10) { id camera label width url insightId } }';
    const listed = (await api.gql(FRAMES, { a: asset.id }, engineer)).data!.frames as { id: string; camera: string; label: string | null; url: string }[];
    expect(listed.length).toBeGreaterThanOrEqual(2);
    const unlabelled = listed.find((f) => f.label === null)!;
    expect(unlabelled.url).toBe(`/frames/${unlabelled.id}`);
    const LABEL = 'mutation($id: ID!, $l: FrameLabel) { labelFrame(id: $id, label: $l) { id label } }';
    expect((await api.gql(LABEL, { id: unlabelled.id, l: 'GOOD' }, engineer)).data!.labelFrame).toEqual({ id: unlabelled.id, label: 'GOOD' });
    const audited = await api.services.db.pool.query("SELECT payload FROM audit_events WHERE type = 'frame.updated' AND subject_id = $1", [unlabelled.id]);
    expect(audited.rows.map((r) => r.payload.label)).toEqual([[null, 'GOOD']]);
    const viewer = await api.login('viewer@northwind.example');
    expect((await api.gql(LABEL, { id: unlabelled.id, l: 'DEFECT' }, viewer)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const missing = await api.gql(LABEL, { id: '3f2b8c1e-8a4d-4c1b-9f7e-2d5a6b7c8d9e', l: 'DEFECT' }, engineer);
    expect(missing.errors![0]!.extensions!.code).toBe('NOT_FOUND');

    const evidence = {
      kind: 'HEATMAP',
      frameId: unlabelled.id,
      camera: 'cam-2',
      rows: 2,
      cols: 2,
      cells: [0, 1, 0.2, 0],
      peak: { x: 0.5, y: 0, width: 0.5, height: 0.5 },
      strength: 0.7,
    };
    const insight = await api.services.db.pool.query(
      `INSERT INTO insights (organization_id, asset_id, kind, severity, title, explanation, evidence_start_at, evidence_end_at)
       VALUES ($1, $2, 'THRESHOLD', 'WARNING', 'Defect suspected 0.91 on camera cam-2', $3::jsonb, now(), now()) RETURNING id`,
      [asset.organizationId, asset.id, JSON.stringify([evidence])],
    );
    const shown = await api.gql(
      'query($id: ID!) { insight(id: $id) { explanation { feature } heatMap { frameId rows cols cells peak { x y width height } } } }',
      { id: insight.rows[0].id },
      viewer,
    );
    expect(shown.data!.insight).toEqual({
      explanation: [],
      heatMap: { frameId: unlabelled.id, rows: 2, cols: 2, cells: [0, 1, 0.2, 0], peak: { x: 0.5, y: 0, width: 0.5, height: 0.5 } },
    });
    const flagged = (await api.gql('query($a: ID!) { frames(assetId: $a, flaggedOnly: true) { id insightId } }', { a: asset.id }, viewer)).data!.frames;
    expect(flagged).toEqual([{ id: unlabelled.id, insightId: insight.rows[0].id }]);
  });
});
