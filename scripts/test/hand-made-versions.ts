// Tests' model versions without training: logistic models exported to ONNX, e.g. over the CNC
// machining centre's signals (mean and max over 5-minute windows on a 10 s grid), registered signed.
import onnxProto from 'onnx-proto';
import type pg from 'pg';
import { rawSqlOf } from '@threadline/db/sql';
import type { SigningKey } from '@threadline/db/audit/audit-keys';
import { featureNames, type FeatureSpec } from '@threadline/db/models/feature-spec';
import { registerVersion } from '@threadline/db/models/registry';
import { toFloat32 } from '../../workers/src/ml/model-families.ts';
import { exportOnnx } from '../../workers/src/ml/onnx-export.ts';

export const HAND_MADE_STEP_MS = 10_000;

export async function cncFeatureSpec(pool: pg.Pool, organizationId: string): Promise<{ assetTypeId: string; spec: FeatureSpec; scale: number[] }> {
  const {
    rows: [type],
  } = await pool.query<{ id: string }>("SELECT id FROM asset_types WHERE organization_id = $1 AND name = 'CNC machining centre'", [organizationId]);
  const { rows: properties } = await pool.query<{ name: string; unit: string; min_value: number; max_value: number }>(
    'SELECT name, unit, min_value, max_value FROM asset_type_properties WHERE asset_type_id = $1 ORDER BY name',
    [type!.id],
  );
  const spec: FeatureSpec = {
    version: 1,
    windowSeconds: 300,
    stepSeconds: HAND_MADE_STEP_MS / 1000,
    aggregates: ['mean', 'max'],
    signals: properties.map((p) => ({ name: p.name, unit: p.unit, min: p.min_value, max: p.max_value })),
    reference: properties.flatMap((p) => [(p.min_value + p.max_value) / 2, p.max_value]),
  };
  return { assetTypeId: type!.id, spec, scale: properties.flatMap((p) => [p.max_value - p.min_value, p.max_value - p.min_value]) };
}

/** The ONNX graph of a logistic model standardised around the spec's reference. */
export function handMadeOnnx(spec: FeatureSpec, scale: number[], weights: number[], bias: number): Uint8Array {
  const model = toFloat32({ family: 'LOGISTIC', standardizer: { center: spec.reference, scale }, weights, bias });
  return exportOnnx(model, spec.reference, { name: 'hand-made', features: featureNames(spec) });
}

/** Registers a logistic version of the model with every weight `weight`; returns its id. */
export async function registerHandMadeVersion(
  client: pg.PoolClient | pg.Pool,
  signingKey: SigningKey,
  model: { organizationId: string; id: string; spec: FeatureSpec; scale: number[] },
  weight: number,
  bias: number,
  threshold: number,
): Promise<string> {
  const onnx = handMadeOnnx(model.spec, model.scale, new Array(model.spec.reference.length).fill(weight), bias);
  return (
    await registerVersion(
      rawSqlOf(client),
      {
        organizationId: model.organizationId,
        modelId: model.id,
        family: 'LOGISTIC',
        onnx,
        featureSpec: model.spec,
        threshold,
        metrics: {},
        referenceProfile: {},
      },
      signingKey,
      { kind: 'SYSTEM', id: null, label: 'test' },
    )
  ).id;
}

/** The same model with its first initializer moved to an external data file (as ONNX allows for
 *  large weights): what a runtime would read from its own disk, so Threadline refuses it. */
export function withExternalData(bytes: Uint8Array, location = '../../etc/passwd'): Uint8Array {
  const { onnx } = onnxProto;
  const model = onnx.ModelProto.decode(bytes);
  const tensor = model.graph!.initializer![0]!;
  tensor.rawData = new Uint8Array(0);
  tensor.floatData = [];
  tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
  tensor.externalData = [onnx.StringStringEntryProto.create({ key: 'location', value: location })];
  return onnx.ModelProto.encode(model).finish();
}
