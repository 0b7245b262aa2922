// Video into frames with the real ffmpeg: a recorded file sampled at the configured rate, each
// sample a complete JPEG timed from the recording's start, stored through the frame ingest path
// (a second pass stores nothing twice); a source ffmpeg cannot open is a clear error.
import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '@threadline/db/client';
import { systemClock } from '@threadline/db/clock';
import { frameFormat } from '@threadline/db/vision/frame-format';
import { FrameIngest } from '@threadline/db/vision/frame-ingest';
import { DiskFrameStore } from '@threadline/db/vision/frame-store';
import { createTestDatabase } from '../../../scripts/test/database.ts';
import { JpegSplitter, sampleVideo, type SampledFrame } from './video-sampler.ts';
import { cameraStreamsSchema, startCameraStreams } from './camera-streams.ts';
import pino from 'pino';
import { waitFor } from '../../../scripts/test/wait-for.ts';

describe('video sampler', () => {
  let pool: pg.Pool;
  let video: string;
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'threadline-video-'));
    video = join(directory, 'station.mp4');
    // Four seconds of a moving test pattern at 25 frames a second.
    execFileSync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=160x120:rate=25',
      '-t',
      '4',
      '-c:v',
      'mpeg4',
      '-y',
      video,
    ]);
    pool = createPool({ url: (await createTestDatabase()).url, role: 'threadline_app', poolSize: 2 });
  }, 120_000);
  afterAll(async () => pool?.end());

  it('samples a recording at the configured rate into complete JPEG frames, stored once', async () => {
    const organizationId = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id;
    const ingest = new FrameIngest(pool, new DiskFrameStore(join(directory, 'frames')));
    const startedAt = new Date(Date.now() - 3_600_000);
    const store = async (frame: SampledFrame) => {
      expect(frameFormat(frame.jpeg)).toMatchObject({ contentType: 'image/jpeg', width: 160, height: 120 });
      const stored = await ingest.ingest(organizationId, [{ assetCode: 'LEJ-L1-VIS01', camera: 'line-video', time: frame.time, bytes: frame.jpeg }]);
      expect(stored.rejected).toEqual([]);
    };
    expect(await sampleVideo({ source: video, fps: 2, startedAt }, systemClock, store)).toBe(8);
    const times = await pool.query("SELECT ts FROM frames WHERE camera = 'line-video' ORDER BY ts");
    expect(times.rows.map((r) => r.ts.getTime() - startedAt.getTime())).toEqual([0, 500, 1000, 1500, 2000, 2500, 3000, 3500]);
    // The same recording again: every frame is a duplicate.
    await sampleVideo({ source: video, fps: 2, startedAt }, systemClock, async (frame) => {
      expect((await ingest.ingest(organizationId, [{ assetCode: 'LEJ-L1-VIS01', camera: 'line-video', time: frame.time, bytes: frame.jpeg }])).duplicates).toBe(
        1,
      );
    });
    expect((await pool.query("SELECT count(*)::int AS n FROM frames WHERE camera = 'line-video'")).rows[0].n).toBe(8);
  }, 120_000);

  it('runs the configured camera streams: a recording sampled once into the frame store', async () => {
    const organizationId = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id;
    const config = cameraStreamsSchema.parse([
      { source: video, assetCode: 'LEJ-L1-VIS01', camera: 'replay', fps: 1, startedAt: new Date(Date.now() - 7_200_000).toISOString() },
    ]);
    const streams = startCameraStreams(config, {
      ingest: new FrameIngest(pool, new DiskFrameStore(join(directory, 'frames'))),
      organizationId,
      clock: systemClock,
      log: pino({ level: 'silent' }),
    });
    const count = async () => (await pool.query("SELECT count(*)::int AS n FROM frames WHERE camera = 'replay'")).rows[0].n as number;
    await waitFor('the recording sampled', async () => (await count()) === 4);
    await streams.stop();
    expect(await count()).toBe(4);
    expect(() => cameraStreamsSchema.parse([{ source: video, assetCode: 'X', camera: 'bad name!' }])).toThrow();
  });

  it('says what went wrong when ffmpeg cannot open the source, or is missing', async () => {
    await expect(sampleVideo({ source: join(directory, 'missing.mp4'), fps: 1 }, systemClock, async () => undefined)).rejects.toThrow(
      /ffmpeg could not sample .*missing\.mp4/,
    );
    await expect(sampleVideo({ source: video, fps: 1, ffmpeg: '/nonexistent/ffmpeg' }, systemClock, async () => undefined)).rejects.toThrow(
      /ffmpeg is not installed/,
    );
  });

  it('cuts concatenated JPEG images at their end markers, across chunk boundaries', () => {
    const splitter = new JpegSplitter();
    const a = Buffer.from([0xff, 0xd8, 1, 2, 3, 0xff, 0xd9]);
    const b = Buffer.from([0xff, 0xd8, 4, 0xff, 0x00, 5, 0xff, 0xd9]);
    const stream = Buffer.concat([a, b]);
    expect(splitter.push(stream.subarray(0, 9))).toEqual([a]);
    expect(splitter.push(stream.subarray(9))).toEqual([b]);
  });
});
