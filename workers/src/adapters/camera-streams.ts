// The gateway's camera streams (CAMERA_STREAMS): each video source sampled into frames at its rate
// (video-sampler.ts) and written through the frame ingest path. A live stream that ends or fails
// is opened again after a pause that grows while it keeps failing; a recording is sampled once.
import { z } from 'zod';
import type { Logger } from 'pino';
import type { Clock } from '@threadline/db/clock';
import type { FrameIngest } from '@threadline/db/vision/frame-ingest';
import { sampleVideo } from './video-sampler.ts';

export const cameraStreamsSchema = z.array(
  z
    .object({
      source: z.string().min(1),
      assetCode: z.string().min(1),
      camera: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/),
      fps: z.number().positive().max(60).default(1),
      /** For a recording: when it started (its frames are timed from here); it is then sampled once. */
      startedAt: z.iso.datetime({ offset: true }).optional(),
    })
    .strict(),
);
export type CameraStream = z.infer<typeof cameraStreamsSchema>[number];

const RETRY_MS = { first: 1_000, max: 60_000 };

export function startCameraStreams(
  streams: readonly CameraStream[],
  options: { ingest: Pick<FrameIngest, 'ingest'>; organizationId: string; clock: Clock; log: Logger },
): { stop: () => Promise<void> } {
  const abort = new AbortController();
  const running = streams.map(async (stream) => {
    let pause = RETRY_MS.first;
    while (!abort.signal.aborted) {
      try {
        const sampled = await sampleVideo(
          { source: stream.source, fps: stream.fps, ...(stream.startedAt ? { startedAt: new Date(stream.startedAt) } : {}) },
          options.clock,
          async (frame) => {
            const stored = await options.ingest.ingest(options.organizationId, [
              { assetCode: stream.assetCode, camera: stream.camera, time: frame.time, bytes: frame.jpeg },
            ]);
            if (stored.rejected.length > 0) options.log.warn({ source: stream.source, reason: stored.rejected[0]!.reason }, 'camera frame refused');
            pause = RETRY_MS.first;
          },
          abort.signal,
        );
        options.log.info({ source: stream.source, frames: sampled }, 'camera stream ended');
        if (stream.startedAt) return;
      } catch (err) {
        if (abort.signal.aborted) return;
        options.log.warn({ err, source: stream.source, retryInMs: pause }, 'camera stream failed; opening it again');
      }
      await new Promise((resolve) => setTimeout(resolve, pause).unref());
      pause = Math.min(RETRY_MS.max, pause * 2);
    }
  });
  return {
    stop: async () => {
      abort.abort();
      await Promise.allSettled(running);
    },
  };
}
