// The orchestrator packages of an edge deployment, checked against what the vendors' documentation
// requires of each (no machine-readable schema of theirs is at hand here): an AWS IoT Greengrass v3
// component recipe, an Azure IoT Edge deployment manifest, and a Helm chart.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { signingKeyFromPem } from '../audit/audit-keys.ts';
import { createBundle } from './edge-bundle.ts';
import { packageFiles } from './edge-packaging.ts';

const key = signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
const bundle = createBundle(
  key,
  {
    deploymentId: '0b3c9e1e-5a43-4d1f-9a7e-2f0d1c2b3a41',
    edgeTarget: { id: '6f1d2c3b-4a59-4e8f-8d7c-1b2a3c4d5e6f', name: 'lej-gw-07', kind: 'JETSON' },
    modelId: '1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d',
    modelName: 'Spindle failure risk',
    task: 'FAILURE_RISK',
    versionId: '9f8e7d6c-5b4a-4f3e-8d2c-1b0a9f8e7d6c',
    version: 3,
    family: 'LOGISTIC',
    threshold: 0.5,
    sha256: 'a'.repeat(64),
    signature: 'c2ln',
    signingKeyId: key.keyId,
    featureSpec: { version: 1, windowSeconds: 300, stepSeconds: 10, signals: [], aggregates: ['mean'], reference: [] },
    issuedAt: '2026-12-03T09:00:00.000Z',
  },
  new Uint8Array(2048),
);
const options = { image: 'ghcr.io/threadline/threadline-edge:1.0.0', agentVersion: '1.0.0' };
const semver = z.string().regex(/^\d+\.\d+\.\d+$/);
const only = (format: Parameters<typeof packageFiles>[0]) => packageFiles(format, bundle, options);

describe('edge packages for the orchestrators', () => {
  it('gives a Greengrass v3 recipe with what the recipe reference requires, for amd64 and arm64', () => {
    const [recipe] = only('GREENGRASS_V3');
    const parsed = z
      .object({
        RecipeFormatVersion: z.literal('2020-01-25'),
        ComponentName: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/),
        ComponentVersion: semver,
        ComponentDescription: z.string(),
        ComponentPublisher: z.string(),
        ComponentConfiguration: z.object({ DefaultConfiguration: z.record(z.string(), z.unknown()) }),
        Manifests: z
          .array(
            z.object({
              Platform: z.object({ os: z.literal('linux'), architecture: z.enum(['amd64', 'aarch64']) }),
              Lifecycle: z.object({ Run: z.string().min(1) }).passthrough(),
              Artifacts: z.array(z.object({ URI: z.string().regex(/^(s3|docker):\/\//) })),
            }),
          )
          .min(1),
      })
      .passthrough()
      .parse(JSON.parse(recipe!.content));
    expect(parsed.Manifests.map((m) => m.Platform.architecture)).toEqual(['amd64', 'aarch64']);
    expect(parsed.Manifests[0]!.Lifecycle.Run).toContain(options.image);
    // No secret is baked in: the API key is the device's configuration.
    expect(recipe!.content).not.toMatch(/tl_[A-Za-z0-9]/);
  });

  it('gives an Azure IoT Edge deployment manifest with the desired properties the runtime requires, within a twin size', () => {
    const [manifest] = only('AZURE_IOT_EDGE');
    const module = z.object({
      version: z.string(),
      type: z.literal('docker'),
      status: z.enum(['running', 'stopped']),
      restartPolicy: z.enum(['never', 'on-failure', 'on-unhealthy', 'always']),
      settings: z.object({ image: z.string().min(1), createOptions: z.string().max(512) }),
      env: z.record(z.string(), z.object({ value: z.string() })).optional(),
    });
    const parsed = z
      .object({
        modulesContent: z.object({
          $edgeAgent: z.object({
            'properties.desired': z.object({
              schemaVersion: z.enum(['1.0', '1.1']),
              runtime: z.object({
                type: z.literal('docker'),
                settings: z.object({ minDockerVersion: z.string(), registryCredentials: z.record(z.string(), z.unknown()) }).passthrough(),
              }),
              systemModules: z.object({
                edgeAgent: z.object({ type: z.literal('docker'), settings: z.object({ image: z.string(), createOptions: z.string() }) }),
                edgeHub: module.omit({ version: true, env: true }),
              }),
              modules: z.record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/), module),
            }),
          }),
          $edgeHub: z.object({
            'properties.desired': z.object({
              schemaVersion: z.enum(['1.0', '1.1', '1.2']),
              routes: z.record(z.string(), z.string()),
              storeAndForwardConfiguration: z.object({ timeToLiveSecs: z.number().int().positive() }),
            }),
          }),
        }),
      })
      .parse(JSON.parse(manifest!.content));
    const modules = parsed.modulesContent.$edgeAgent['properties.desired'].modules;
    expect(Object.values(modules)[0]!.settings.image).toBe(options.image);
    expect(JSON.parse(Object.values(modules)[0]!.settings.createOptions).HostConfig.Binds).toContain('threadline-edge-state:/var/lib/threadline-edge');
    // A module twin's desired properties are limited to 32 KB: the bundle itself is not in the manifest.
    expect(Buffer.byteLength(manifest!.content)).toBeLessThan(32 * 1024);
  });

  it('gives a Helm chart (apiVersion v2) whose templates are Kubernetes objects carrying the bundle in a Secret and the state on a claim', () => {
    const files = new Map(only('HELM').map((f) => [f.path.split('/').slice(1).join('/'), f.content]));
    expect([...files.keys()].sort()).toEqual(['Chart.yaml', 'templates/deployment.yaml', 'templates/pvc.yaml', 'templates/secret.yaml', 'values.yaml']);
    const chart = z
      .object({
        apiVersion: z.literal('v2'),
        name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
        version: semver,
        appVersion: z.string(),
        type: z.literal('application'),
      })
      .passthrough()
      .parse(JSON.parse(files.get('Chart.yaml')!));
    expect(chart.name).toBe('threadline-edge-spindle-failure-risk');
    const object = z.object({ apiVersion: z.string(), kind: z.string(), metadata: z.object({ name: z.string() }) }).passthrough();
    const [secret, claim, deployment] = ['secret', 'pvc', 'deployment'].map((t) => object.parse(JSON.parse(files.get(`templates/${t}.yaml`)!)));
    expect([secret!.kind, claim!.kind, deployment!.kind]).toEqual(['Secret', 'PersistentVolumeClaim', 'Deployment']);
    expect(JSON.parse(Buffer.from((secret as unknown as { data: Record<string, string> }).data['bundle.json']!, 'base64').toString())).toEqual(bundle);
    const spec = (
      deployment as unknown as { spec: { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> } } } }
    ).spec;
    expect(spec.template.metadata.labels).toMatchObject(spec.selector.matchLabels);
    expect(only('BUNDLE')).toEqual([]);
  });
});
