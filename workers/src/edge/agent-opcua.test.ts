// The edge agent reading OPC UA on site, against the simulator's OPC UA server and the real core:
// the CNC's node values are scored as the MQTT readings are, and forwarded to the core's telemetry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../scripts/test/free-port.ts';
import { CNC_SIGNALS, EdgeFleet, STEP_MS } from '../../../scripts/test/edge-fleet.ts';
import { waitFor } from '../../../scripts/test/wait-for.ts';
import { loadPlantSignals } from '../simulator/plant-signals.ts';
import { SimulatorOpcUaServer } from '../simulator/opcua-server.ts';
import { EdgeAgent } from './agent.ts';

describe('the edge agent over OPC UA', () => {
  const CNC = 'LEJ-L1-CNC03';
  let fleet: EdgeFleet;
  let server: SimulatorOpcUaServer;

  beforeAll(async () => {
    fleet = await EdgeFleet.start([CNC], [CNC]);
    server = new SimulatorOpcUaServer(await freePort());
    await server.start((await loadPlantSignals(fleet.pool, fleet.org)).filter((s) => s.assetCode === CNC));
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await fleet?.stop();
  });

  it('scores the nodes it reads on site and forwards their readings to the core', async () => {
    const target = fleet.targets[0]!;
    const bundle = await fleet.bundle(target);
    expect(bundle.manifest.assets![CNC]!.signals.power).toMatchObject({ protocol: 'OPC_UA', address: `ns=1;s=${CNC}.power` });
    const agent = await EdgeAgent.start({ ...fleet.agentOptions(fleet.bundleFile(bundle)), opcuaUrl: server.endpointUrl });
    const t0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3 * 3_600_000;
    const steps = 40;
    try {
      // OPC UA samples a node's value: each step's values are published once the last ones arrived.
      for (let i = 0; i < steps; i += 1) {
        for (const s of CNC_SIGNALS) server.publish(`ns=1;s=${CNC}.${s.name}`, s.mid + (i % 3) * 0.1, new Date(t0 + i * STEP_MS));
        await waitFor('the agent to read the step', () => agent.status.readings >= (i + 1) * CNC_SIGNALS.length, { timeoutMs: 30_000 });
      }
      // Every reading reaches the core's telemetry, and every window scored on site becomes one prediction.
      await fleet.waitForwarded(agent, target, t0, steps * CNC_SIGNALS.length);
    } finally {
      await agent.stop();
    }
  }, 180_000);
});
