// A deployment's edge agent packaged for the orchestrators plants run it under, generated with its
// signed bundle: an AWS IoT Greengrass v3 component recipe, an Azure IoT Edge deployment manifest,
// and a Helm chart (what NVIDIA Fleet Command and other Kubernetes edges install). Each runs the
// multi-arch agent image (`workers/edge.Dockerfile`, amd64 and arm64, the Jetson family's) with
// the bundle as its configuration and its state on a persistent volume, so store and forward
// survives restarts; the core's address, the API key and the model signing key are the plant's
// to supply (a secret or the orchestrator's configuration), never baked in.
import type { EdgeBundle } from './edge-bundle.ts';

export const EDGE_PACKAGE_FORMATS = ['BUNDLE', 'GREENGRASS_V3', 'AZURE_IOT_EDGE', 'HELM'] as const;
export type EdgePackageFormat = (typeof EDGE_PACKAGE_FORMATS)[number];

export interface PackageFile {
  path: string;
  content: string;
}

export interface PackageOptions {
  /** The agent image, e.g. ghcr.io/threadline/threadline-edge:1.0.0 (a multi-arch manifest list). */
  image: string;
  /** The agent's version, used as the component's and the chart's app version. */
  agentVersion: string;
}

const STATE_DIR = '/var/lib/threadline-edge';
const CONFIG_DIR = '/etc/threadline-edge';

/** A name every orchestrator accepts: lower-case letters, digits and dashes. */
const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50) || 'model';

/** The agent's command line inside its container; the broker, the core and the key come from its environment. */
const AGENT_ARGS = ['run', `${CONFIG_DIR}/bundle.json`, '--public-key', `${CONFIG_DIR}/model-key.pem`, '--state', STATE_DIR];

export function packageFiles(format: EdgePackageFormat, bundle: EdgeBundle, options: PackageOptions): PackageFile[] {
  const m = bundle.manifest;
  const name = `threadline-edge-${slug(m.modelName)}`;
  const bundleJson = JSON.stringify(bundle);
  switch (format) {
    case 'BUNDLE':
      return [];
    case 'GREENGRASS_V3':
      return [{ path: `${name}-recipe.json`, content: `${JSON.stringify(greengrassRecipe(name, bundle, options), null, 2)}\n` }];
    case 'AZURE_IOT_EDGE':
      return [{ path: `${name}-deployment.json`, content: `${JSON.stringify(azureManifest(name, bundleJson, options), null, 2)}\n` }];
    case 'HELM':
      return helmChart(name, bundleJson, options, m.edgeTarget.name);
  }
}

/** An AWS IoT Greengrass v3 component recipe (RecipeFormatVersion 2020-01-25) running the agent's container. */
function greengrassRecipe(name: string, bundle: EdgeBundle, options: PackageOptions) {
  const m = bundle.manifest;
  const run = [
    'docker run --rm --name {iot:thingName}-threadline-edge',
    `-v {work:path}/state:${STATE_DIR}`,
    `-v {artifacts:decompressedPath}/${name}:${CONFIG_DIR}:ro`,
    '-e THREADLINE_API_KEY={configuration:/ApiKey}',
    '-e PLANT_MQTT_URL={configuration:/PlantMqttUrl}',
    '-e THREADLINE_CORE_URL={configuration:/CoreUrl}',
    options.image,
    ...AGENT_ARGS,
  ].join(' ');
  const manifest = (architecture: string) => ({
    Platform: { os: 'linux', architecture },
    Lifecycle: { Install: `docker pull ${options.image}`, Run: run, Shutdown: 'docker stop {iot:thingName}-threadline-edge' },
    Artifacts: [{ URI: `s3://REPLACE-WITH-YOUR-BUCKET/${name}/${m.version}/${name}.zip`, Unarchive: 'ZIP', Permission: { Read: 'OWNER' } }],
  });
  return {
    RecipeFormatVersion: '2020-01-25',
    ComponentName: `com.threadline.edge.${slug(m.modelName).replace(/-/g, '')}`,
    ComponentVersion: `${m.version}.0.0`,
    ComponentType: 'aws.greengrass.generic',
    ComponentDescription: `Threadline edge agent running ${m.modelName} v${m.version} (deployment ${m.deploymentId}) on ${m.edgeTarget.name}; the zip artifact holds bundle.json and model-key.pem.`,
    ComponentPublisher: 'Threadline',
    ComponentConfiguration: { DefaultConfiguration: { CoreUrl: 'https://threadline.example.com', PlantMqttUrl: 'mqtt://localhost:1883', ApiKey: '' } },
    ComponentDependencies: { 'aws.greengrass.DockerApplicationManager': { VersionRequirement: '>=2.0.0', DependencyType: 'HARD' } },
    Manifests: [manifest('amd64'), manifest('aarch64')],
  };
}

/** An Azure IoT Edge deployment manifest (edgeAgent schema 1.1, edgeHub 1.2) with the agent as a module. */
function azureManifest(name: string, bundleJson: string, options: PackageOptions) {
  const system = (image: string) => ({ type: 'docker', settings: { image, createOptions: '{}' } });
  return {
    modulesContent: {
      $edgeAgent: {
        'properties.desired': {
          schemaVersion: '1.1',
          runtime: { type: 'docker', settings: { minDockerVersion: 'v1.25', loggingOptions: '', registryCredentials: {} } },
          systemModules: {
            edgeAgent: system('mcr.microsoft.com/azureiotedge-agent:1.5'),
            edgeHub: {
              ...system('mcr.microsoft.com/azureiotedge-hub:1.5'),
              status: 'running',
              restartPolicy: 'always',
              settings: {
                image: 'mcr.microsoft.com/azureiotedge-hub:1.5',
                createOptions: JSON.stringify({ HostConfig: { PortBindings: { '8883/tcp': [{ HostPort: '8883' }] } } }),
              },
            },
          },
          modules: {
            [name]: {
              version: options.agentVersion,
              type: 'docker',
              status: 'running',
              restartPolicy: 'always',
              settings: {
                image: options.image,
                createOptions: JSON.stringify({
                  Cmd: AGENT_ARGS,
                  HostConfig: { Binds: [`threadline-edge-state:${STATE_DIR}`, `/etc/threadline-edge:${CONFIG_DIR}:ro`] },
                }),
              },
              env: {
                THREADLINE_CORE_URL: { value: 'https://threadline.example.com' },
                PLANT_MQTT_URL: { value: 'mqtt://localhost:1883' },
                THREADLINE_API_KEY: { value: '' },
                THREADLINE_BUNDLE_SHA256: { value: JSON.parse(bundleJson).manifest.sha256 as string },
              },
            },
          },
        },
      },
      $edgeHub: {
        'properties.desired': {
          schemaVersion: '1.2',
          routes: { upstream: 'FROM /messages/* INTO $upstream' },
          storeAndForwardConfiguration: { timeToLiveSecs: 7200 },
        },
      },
    },
  };
}

/** A Helm chart (apiVersion v2) installing the agent: the bundle in a Secret, its state on a claim. */
function helmChart(name: string, bundleJson: string, options: PackageOptions, target: string): PackageFile[] {
  const chart = {
    apiVersion: 'v2',
    name,
    description: `Threadline edge agent for ${target}`,
    type: 'application',
    version: '1.0.0',
    appVersion: options.agentVersion,
  };
  const values = {
    image: options.image,
    coreUrl: 'https://threadline.example.com',
    plantMqttUrl: 'mqtt://localhost:1883',
    apiKeySecret: 'threadline-edge-api-key',
    modelKeyPem: '',
    storage: '1Gi',
  };
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': '{{ .Release.Name }}' };
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: '{{ .Release.Name }}-bundle', labels },
    type: 'Opaque',
    data: {
      'bundle.json': Buffer.from(bundleJson).toString('base64'),
      'model-key.pem': '{{ required "modelKeyPem: a public key from modelSigningKeys" .Values.modelKeyPem | b64enc }}',
    },
  };
  const claim = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: '{{ .Release.Name }}-state', labels },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '{{ .Values.storage }}' } } },
  };
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: '{{ .Release.Name }}', labels },
    spec: {
      replicas: 1,
      strategy: { type: 'Recreate' },
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'threadline-edge',
              image: '{{ .Values.image }}',
              args: AGENT_ARGS,
              env: [
                { name: 'THREADLINE_CORE_URL', value: '{{ .Values.coreUrl }}' },
                { name: 'PLANT_MQTT_URL', value: '{{ .Values.plantMqttUrl }}' },
                { name: 'THREADLINE_API_KEY', valueFrom: { secretKeyRef: { name: '{{ .Values.apiKeySecret }}', key: 'apiKey' } } },
              ],
              volumeMounts: [
                { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
                { name: 'state', mountPath: STATE_DIR },
              ],
            },
          ],
          volumes: [
            { name: 'config', secret: { secretName: '{{ .Release.Name }}-bundle' } },
            { name: 'state', persistentVolumeClaim: { claimName: '{{ .Release.Name }}-state' } },
          ],
        },
      },
    },
  };
  // JSON is YAML (1.2): Helm reads these files as they are.
  const yaml = (doc: unknown) => `${JSON.stringify(doc, null, 2)}\n`;
  return [
    { path: `${name}/Chart.yaml`, content: yaml(chart) },
    { path: `${name}/values.yaml`, content: yaml(values) },
    { path: `${name}/templates/secret.yaml`, content: yaml(secret) },
    { path: `${name}/templates/pvc.yaml`, content: yaml(claim) },
    { path: `${name}/templates/deployment.yaml`, content: yaml(deployment) },
  ];
}
