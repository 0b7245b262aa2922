// Artifacts that break the ONNX contract never reach onnxruntime: an oversized file, bytes that are
// not ONNX and a model whose weights live in an external data file are refused before a session is
// created; the same model with its weights inside loads and scores.
import { describe, expect, it } from 'vitest';
import { MAX_ONNX_BYTES } from '@threadline/db/models/onnx-contract';
import type { FeatureSpec } from '@threadline/db/models/feature-spec';
import { handMadeOnnx, withExternalData } from '../../../scripts/test/hand-made-versions.ts';
import { OnnxRunner } from './onnx-runner.ts';

const spec: FeatureSpec = {
  version: 1,
  windowSeconds: 300,
  stepSeconds: 10,
  aggregates: ['mean'],
  signals: [
    { name: 'spindle_vibration', unit: 'mm/s', min: 0, max: 20 },
    { name: 'spindle_temperature', unit: '°C', min: 0, max: 120 },
  ],
  reference: [3, 40],
};
const valid = handMadeOnnx(spec, [1, 10], [1, 0.5], -1);

describe('loading ONNX artifacts', () => {
  it('loads and scores a model whose weights are inside it', async () => {
    const runner = await OnnxRunner.load(valid, 2);
    const { scores } = await runner.run(new Float32Array([3, 40]), 1);
    expect(scores).toHaveLength(1);
    await runner.release();
  });

  it('refuses a model that reads its weights from an external file, before creating a session', async () => {
    await expect(OnnxRunner.load(withExternalData(valid), 2)).rejects.toThrow(/Refused before loading: the ONNX model refers to external data files/);
  });

  it('refuses oversized and malformed artifacts', async () => {
    await expect(OnnxRunner.load(new Uint8Array(MAX_ONNX_BYTES + 1), 2)).rejects.toThrow(/at most 16777216 are accepted/);
    await expect(OnnxRunner.load(new Uint8Array([0xff, 0xff, 0xff, 0x07, 1, 2, 3]), 2)).rejects.toThrow(/not an ONNX model/);
    await expect(OnnxRunner.load(valid, 3)).rejects.toThrow(/\[N, 3\]/);
  });
});
