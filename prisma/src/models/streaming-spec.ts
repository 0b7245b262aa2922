// What the registry knows of the streaming anomaly detector (workers/src/ml/streaming-detector.ts):
// a version of it is a feature spec marked `detector: STREAMING` (its signals, one `last` input
// each, and the scoring grid on which predictions are kept) and, as its signed artifact, the
// detector's settings as canonical JSON in place of an ONNX graph. Its explanations name the
// expectation a sample broke: a step from the last samples, the level of the recent ones against
// a slow mean, the time of day's or of the week's usual value, or a value stuck for too long.
import canonicalize from 'canonicalize';
import type { FeatureSpec } from './feature-spec.ts';

export const EXPECTATIONS = ['step', 'level', 'daily', 'weekly', 'stuck'] as const;
export type Expectation = (typeof EXPECTATIONS)[number];

export const STREAMING_FORMAT = 'threadline-streaming-detector/1';

export const isStreamingSpec = (spec: Pick<FeatureSpec, 'detector'>): boolean => spec.detector === 'STREAMING';

/** The signed artifact of a streaming version: its format, signals and settings. */
export function streamingArtifact(signals: readonly string[], settings: Record<string, number>): Uint8Array {
  return new TextEncoder().encode(canonicalize({ format: STREAMING_FORMAT, signals, settings })!);
}

/** Whether an artifact is a streaming detector's (its format, with settings). */
export function isStreamingArtifact(artifact: Uint8Array): boolean {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(artifact)) as { format?: unknown; settings?: unknown };
    return parsed.format === STREAMING_FORMAT && typeof parsed.settings === 'object' && parsed.settings !== null;
  } catch {
    return false;
  }
}
