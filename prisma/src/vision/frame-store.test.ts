// The frame stores: on disk (content-addressed, written whole) and in an S3-compatible bucket
// (s3rver, a local S3 implementation, which checks the access key but not V4 signatures: those are
// checked against AWS's published example): the same bytes kept once, read back, deleted.
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiskFrameStore, frameSha256, readFrameStoreConfig, S3FrameStore, signV4, type FrameStore } from './frame-store.ts';

const bytes = Buffer.from('a frame, as far as the store cares');
const sha = frameSha256(bytes);

async function roundTrip(store: FrameStore) {
  expect(await store.get(sha)).toBeNull();
  await store.put(sha, bytes);
  await store.put(sha, bytes);
  expect(Buffer.compare((await store.get(sha))!, bytes)).toBe(0);
  await store.delete(sha);
  expect(await store.get(sha)).toBeNull();
}

describe('frame stores', () => {
  let s3: S3rver;
  let endpoint: string;

  beforeAll(async () => {
    s3 = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: await mkdtemp(join(tmpdir(), 'threadline-s3-')),
      configureBuckets: [{ name: 'frames', configs: [] }],
    });
    const { port } = await s3.run();
    endpoint = `http://127.0.0.1:${port}/frames`;
  });
  afterAll(async () => s3?.close());

  it('keeps frames on disk under their sha256, once', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'threadline-frames-'));
    const store = new DiskFrameStore(directory);
    await store.put(sha, bytes);
    await store.put(sha, bytes);
    const files = (await readdir(directory, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
    expect(files).toEqual([sha]);
    await store.delete(sha);
    await roundTrip(store);
    await expect(store.get('../../etc/passwd')).rejects.toThrow('not a sha256');
  });

  it('keeps frames in an S3-compatible bucket', async () => {
    await roundTrip(new S3FrameStore({ endpoint, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', prefix: 'frames/' }));
    const unknown = new S3FrameStore({ endpoint, region: 'us-east-1', accessKeyId: 'NOT-A-KEY', secretAccessKey: 'S3RVER', prefix: 'frames/' });
    await expect(unknown.put(sha, bytes)).rejects.toThrow(/answered 403/);
  });

  it('signs requests as AWS documents Signature Version 4 (its GET Object example)', () => {
    const headers = signV4(
      { region: 'us-east-1', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      'GET',
      new URL('https://examplebucket.s3.amazonaws.com/test.txt'),
      new Uint8Array(0),
      new Date('2013-05-24T00:00:00Z'),
      { range: 'bytes=0-9' },
    );
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  it('refuses an S3 store without credentials', () => {
    expect(() => readFrameStoreConfig({ FRAME_STORE_S3_URL: endpoint })).toThrow('FRAME_STORE_S3_ACCESS_KEY_ID');
  });
});
