// The simulator's OPC UA server: one object per asset with a Double variable per OPC_UA signal,
// at the signal's node id (namespace 1, string ids such as ns=1;s=LEJ-L1-CNC01.spindle_vibration).
import { OPCUAServer } from 'node-opcua-server';
import { DataType, Variant } from 'node-opcua-variant';
import type { SimSignal } from './scenario.ts';

type Namespace = ReturnType<NonNullable<OPCUAServer['engine']['addressSpace']>['getOwnNamespace']>;
type UAVariable = ReturnType<Namespace['addVariable']>;

export class SimulatorOpcUaServer {
  private readonly server: OPCUAServer;
  private readonly variables = new Map<string, UAVariable>();

  constructor(port: number) {
    this.server = new OPCUAServer({
      port,
      resourcePath: '/UA/Threadline',
      allowAnonymous: true,
      buildInfo: { productName: 'Threadline plant simulator', manufacturerName: 'Threadline' },
    });
  }

  get endpointUrl(): string {
    return `opc.tcp://127.0.0.1:${this.server.endpoints[0]!.port}/UA/Threadline`;
  }

  /** Serves the OPC_UA signals whose node ids are string ids in namespace 1; returns the others' addresses. */
  async start(signals: readonly SimSignal[]): Promise<string[]> {
    await this.server.initialize();
    const skipped: string[] = [];
    const addressSpace = this.server.engine.addressSpace!;
    const namespace = addressSpace.getOwnNamespace();
    const objects = new Map<string, ReturnType<typeof namespace.addObject>>();
    for (const signal of signals.filter((s) => s.protocol === 'OPC_UA')) {
      if (!/^ns=1;s=.+/.test(signal.address)) {
        skipped.push(signal.address);
        continue;
      }
      let object = objects.get(signal.assetCode);
      if (!object) {
        object = namespace.addObject({ organizedBy: addressSpace.rootFolder.objects, browseName: signal.assetCode });
        objects.set(signal.assetCode, object);
      }
      const variable = namespace.addVariable({
        componentOf: object,
        nodeId: signal.address.replace(/^ns=1;/, ''),
        browseName: signal.property,
        dataType: 'Double',
        minimumSamplingInterval: 100,
      });
      this.variables.set(signal.address, variable);
    }
    await this.server.start();
    return skipped;
  }

  /** Sets a value with its source timestamp; subscribers see the change. */
  publish(address: string, value: number, time: Date): void {
    this.variables.get(address)?.setValueFromSource(new Variant({ dataType: DataType.Double, value }), undefined, time);
  }

  stop(): Promise<void> {
    return this.server.shutdown(0);
  }
}
