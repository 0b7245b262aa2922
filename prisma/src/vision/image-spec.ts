// The input spec of a vision model version: frames are decoded, converted to grey, resized to a
// square of side `size` and standardised per image (zero mean, unit deviation, which takes out the
// station's overall brightness and contrast) before the graph sees them as `image` [N, 1, H, W];
// the graph answers `score` [N], the probability that the part is defective. Stored as the
// version's feature spec; `cameras` limits which cameras' frames it scores (all when null).
import { z } from 'zod';

export const IMAGE_INPUT = 'image';

export const imageSpecSchema = z
  .object({
    version: z.literal(1),
    kind: z.literal('IMAGE'),
    /** Side of the square the frame is resized to (a multiple of 4). */
    size: z.int().min(8).max(512).multipleOf(4),
    channels: z.literal(1),
    normalisation: z.literal('PER_IMAGE'),
    cameras: z.array(z.string()).nullable(),
    /** Occlusion explanations: a square of `patch` pixels (of the model's input), moved by `stride`. */
    occlusion: z.object({ patch: z.int().min(2), stride: z.int().min(1) }),
  })
  .strict();

export type ImageSpec = z.infer<typeof imageSpecSchema>;

export function storedImageSpec(raw: unknown): ImageSpec | null {
  const spec = imageSpecSchema.safeParse(raw);
  return spec.success ? spec.data : null;
}

/** Whether the version scores frames of this camera. */
export const scoresCamera = (spec: ImageSpec, camera: string) => spec.cameras === null || spec.cameras.includes(camera);
