// Where frame bytes live: content-addressed by their sha256, so the same image is kept once however
// often it is sent. On disk by default (FRAME_STORE_DIR, written to a temporary name and renamed,
// so a reader never sees half a frame), or in an S3-compatible bucket (FRAME_STORE_S3_URL, with
// requests signed by AWS Signature Version 4). PostgreSQL holds only the reference (frames table).
import { createHash, createHmac } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseEnv } from '../config.ts';
import { systemClock, type Clock } from '../clock.ts';

export interface FrameStore {
  /** Stores the bytes under their sha256 (a no-op when already there). */
  put(sha256: string, bytes: Uint8Array): Promise<void>;
  /** The bytes, or null when not stored. */
  get(sha256: string): Promise<Buffer | null>;
  delete(sha256: string): Promise<void>;
}

const SHA256 = /^[0-9a-f]{64}$/;
/** Beside the development keys, at the top of the checkout (git-ignored). */
export const DEFAULT_FRAME_DIR = fileURLToPath(new URL('../../../.threadline/frames', import.meta.url));

function checked(sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
  return sha256;
}

export function frameSha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Frames in a directory tree `<ab>/<cd>/<sha256>`. */
export class DiskFrameStore implements FrameStore {
  constructor(private readonly directory: string) {}

  private path(sha256: string): { dir: string; file: string } {
    const dir = join(this.directory, checked(sha256).slice(0, 2), sha256.slice(2, 4));
    return { dir, file: join(dir, sha256) };
  }

  async put(sha256: string, bytes: Uint8Array): Promise<void> {
    const { dir, file } = this.path(sha256);
    if (
      await stat(file).then(
        (s) => s.size === bytes.length,
        () => false,
      )
    )
      return;
    await mkdir(dir, { recursive: true });
    const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(temporary, bytes);
    await rename(temporary, file);
  }

  async get(sha256: string): Promise<Buffer | null> {
    return readFile(this.path(sha256).file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
  }

  async delete(sha256: string): Promise<void> {
    await rm(this.path(sha256).file, { force: true });
  }
}

export interface S3Location {
  /** Endpoint with the bucket as the first path segment (path-style), e.g. http://minio:9000/frames. */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Key prefix inside the bucket. */
  prefix: string;
}

/** Frames as objects `<prefix><sha256>` of an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, …). */
export class S3FrameStore implements FrameStore {
  constructor(
    private readonly location: S3Location,
    private readonly clock: Clock = systemClock,
  ) {}

  async put(sha256: string, bytes: Uint8Array): Promise<void> {
    const response = await this.request('PUT', sha256, bytes);
    if (!response.ok) throw new Error(`S3 PUT of frame ${sha256.slice(0, 12)}… answered ${response.status}: ${await response.text()}`);
  }

  async get(sha256: string): Promise<Buffer | null> {
    const response = await this.request('GET', sha256);
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`S3 GET of frame ${sha256.slice(0, 12)}… answered ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  }

  async delete(sha256: string): Promise<void> {
    const response = await this.request('DELETE', sha256);
    if (!response.ok && response.status !== 404) throw new Error(`S3 DELETE of frame ${sha256.slice(0, 12)}… answered ${response.status}`);
  }

  private request(method: 'PUT' | 'GET' | 'DELETE', sha256: string, body?: Uint8Array): Promise<Response> {
    const url = new URL(`${this.location.endpoint.replace(/\/$/, '')}/${this.location.prefix}${checked(sha256)}`);
    const headers = signV4(this.location, method, url, body ?? new Uint8Array(0), this.clock.now());
    return fetch(url, { method, headers, ...(body ? { body: Buffer.from(body) } : {}) });
  }
}

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
const hex = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/** AWS Signature Version 4 headers for one request to service s3 (payload hashed; `extra` headers are signed too). */
export function signV4(
  location: Pick<S3Location, 'region' | 'accessKeyId' | 'secretAccessKey'>,
  method: string,
  url: URL,
  body: Uint8Array,
  now: Date,
  extra: Record<string, string> = {},
): Record<string, string> {
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const payloadHash = hex(body);
  const headers: Record<string, string> = { ...extra, host: url.host, 'x-amz-content-sha256': payloadHash, 'x-amz-date': amzDate };
  const signed = Object.keys(headers).sort();
  // The canonical headers end in a newline of their own, before the list of their names.
  const canonical = [method, url.pathname, '', signed.map((h) => `${h}:${headers[h]}\n`).join(''), signed.join(';'), payloadHash].join('\n');
  const scope = `${day}/${location.region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, hex(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${location.secretAccessKey}`, day), location.region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${location.accessKeyId}/${scope}, SignedHeaders=${signed.join(';')}, Signature=${signature}`,
  };
}

const configSchema = z.object({
  FRAME_STORE_DIR: z.string().min(1).default(DEFAULT_FRAME_DIR),
  FRAME_STORE_S3_URL: z.url().optional(),
  FRAME_STORE_S3_REGION: z.string().default('us-east-1'),
  FRAME_STORE_S3_ACCESS_KEY_ID: z.string().optional(),
  FRAME_STORE_S3_SECRET_ACCESS_KEY: z.string().optional(),
  FRAME_STORE_S3_PREFIX: z.string().default('frames/'),
});

export type FrameStoreConfig = z.infer<typeof configSchema>;

export function readFrameStoreConfig(env: NodeJS.ProcessEnv = process.env): FrameStoreConfig {
  const config = parseEnv(configSchema, env, 'frame store');
  if (config.FRAME_STORE_S3_URL && (!config.FRAME_STORE_S3_ACCESS_KEY_ID || !config.FRAME_STORE_S3_SECRET_ACCESS_KEY)) {
    throw new Error('FRAME_STORE_S3_URL needs FRAME_STORE_S3_ACCESS_KEY_ID and FRAME_STORE_S3_SECRET_ACCESS_KEY');
  }
  return config;
}

/** The store configured: an S3-compatible bucket when FRAME_STORE_S3_URL is set, else a directory. */
export function openFrameStore(config: FrameStoreConfig): FrameStore {
  if (!config.FRAME_STORE_S3_URL) return new DiskFrameStore(config.FRAME_STORE_DIR);
  return new S3FrameStore({
    endpoint: config.FRAME_STORE_S3_URL,
    region: config.FRAME_STORE_S3_REGION,
    accessKeyId: config.FRAME_STORE_S3_ACCESS_KEY_ID!,
    secretAccessKey: config.FRAME_STORE_S3_SECRET_ACCESS_KEY!,
    prefix: config.FRAME_STORE_S3_PREFIX,
  });
}

/** The store the process's environment configures. */
export const frameStoreFromEnv = (env: NodeJS.ProcessEnv = process.env): FrameStore => openFrameStore(readFrameStoreConfig(env));
