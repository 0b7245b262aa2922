// Samples a video file or stream into camera frames with ffmpeg (from Debian; nothing is
// downloaded): ffmpeg decodes the source, keeps `fps` frames a second and writes them as JPEG
// images to a pipe, which is cut at each image's end marker. A file's frames are timed from its
// start time (the recording's, as given) plus their place in the file; a live stream's (rtsp://,
// http://, a device) by the clock when each arrives. Each frame goes to the sink (the frame ingest
// path, or the API for a remote gateway) before the next is read, so a slow sink slows the
// sampling instead of piling frames up in memory.
import { spawn } from 'node:child_process';
import type { Clock } from '@threadline/db/clock';

export interface VideoSource {
  /** A file path or a stream URL ffmpeg can open. */
  source: string;
  /** Frames kept per second. */
  fps: number;
  /** A recording's start: its frames are timed from here. Absent for a live stream. */
  startedAt?: Date;
  ffmpeg?: string;
}

export interface SampledFrame {
  time: Date;
  jpeg: Buffer;
  index: number;
}

const EOI = Buffer.from([0xff, 0xd9]);
const SOI = Buffer.from([0xff, 0xd8]);

/** Splits a stream of concatenated JPEG images at their end markers. */
export class JpegSplitter {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const images: Buffer[] = [];
    for (;;) {
      const start = this.pending.indexOf(SOI);
      if (start < 0) {
        this.pending = Buffer.alloc(0);
        return images;
      }
      const end = this.pending.indexOf(EOI, start + 2);
      if (end < 0) {
        this.pending = this.pending.subarray(start);
        return images;
      }
      images.push(Buffer.from(this.pending.subarray(start, end + 2)));
      this.pending = this.pending.subarray(end + 2);
    }
  }
}

/** Samples the source, handing each frame to `sink`; resolves with the frames sampled when the source ends. */
export async function sampleVideo(video: VideoSource, clock: Clock, sink: (frame: SampledFrame) => Promise<void>, signal?: AbortSignal): Promise<number> {
  if (!(video.fps > 0 && video.fps <= 60)) throw new RangeError('fps must lie in (0, 60]');
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-i',
    video.source,
    '-vf',
    `fps=${video.fps}`,
    '-f',
    'image2pipe',
    '-c:v',
    'mjpeg',
    '-q:v',
    '3',
    'pipe:1',
  ];
  const child = spawn(video.ffmpeg ?? 'ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal } : {}) });
  const errors: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => errors.push(chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error(`ffmpeg is not installed (${video.ffmpeg ?? 'ffmpeg'}); install it with apt-get install ffmpeg`) : error),
    );
    child.once('close', resolve);
  });
  // Awaited once the output ends; a spawn failure must not count as unhandled meanwhile.
  exited.catch(() => undefined);
  const splitter = new JpegSplitter();
  let index = 0;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      for (const jpeg of splitter.push(chunk)) {
        const time = video.startedAt ? new Date(video.startedAt.getTime() + Math.round((index * 1000) / video.fps)) : clock.now();
        await sink({ time, jpeg, index });
        index += 1;
      }
    }
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const code = await exited;
  if (code !== 0 && !signal?.aborted) throw new Error(`ffmpeg could not sample ${video.source}: ${errors.join('').trim() || `exit code ${code}`}`);
  return index;
}
