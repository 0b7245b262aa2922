// The simulator's OPC UA server: one object per asset with a Double variable per OPC_UA signal,
// at the signal's node id (namespace 1, string ids such as ns=1;s=LEJ-L1-CNC01.spindle_vibration),
// and per variable an AlarmCondition (PROPERTY_HIGH, with ConfirmedState) whose events reach the
// Server object's event notifier, raised and cleared by the simulated PLC logic; a client's
// Acknowledge (with its comment) and Confirm calls are served as the standard methods.
import { OPCUAServer } from 'node-opcua-server';
import { DataType, Variant } from 'node-opcua-variant';
import type { SimSignal } from './scenario.ts';

type AddressSpace = NonNullable<OPCUAServer['engine']['addressSpace']>;
type Namespace = ReturnType<AddressSpace['getOwnNamespace']>;
type UAVariable = ReturnType<Namespace['addVariable']>;
type UAAlarm = ReturnType<Namespace['instantiateAlarmCondition']>;

/** OPC UA severities (1-1000) of the simulator's alarm levels. */
export const OPCUA_SEVERITY = { WARNING: 500, CRITICAL: 800 } as const;

export interface ConditionState {
  active: boolean;
  acked: boolean;
  confirmed: boolean;
  severity: number;
  comment: string;
}

export class SimulatorOpcUaServer {
  private readonly server: OPCUAServer;
  private readonly variables = new Map<string, UAVariable>();
  private readonly alarms = new Map<string, UAAlarm>();

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
    addressSpace.installAlarmsAndConditionsService();
    const namespace = addressSpace.getOwnNamespace();
    const serverObject = addressSpace.rootFolder.objects.server;
    const objects = new Map<string, ReturnType<typeof namespace.addObject>>();
    for (const signal of signals.filter((s) => s.protocol === 'OPC_UA')) {
      if (!/^ns=1;s=.+/.test(signal.address)) {
        skipped.push(signal.address);
        continue;
      }
      let object = objects.get(signal.assetCode);
      if (!object) {
        object = namespace.addObject({ organizedBy: addressSpace.rootFolder.objects, browseName: signal.assetCode, notifierOf: serverObject });
        objects.set(signal.assetCode, object);
      }
      const variable = namespace.addVariable({
        componentOf: object,
        nodeId: signal.address.replace(/^ns=1;/, ''),
        browseName: signal.property,
        dataType: 'Double',
        minimumSamplingInterval: 100,
        eventSourceOf: object,
      });
      this.variables.set(signal.address, variable);
      const name = `${signal.property.toUpperCase()}_HIGH`;
      const alarm = namespace.instantiateAlarmCondition('AlarmConditionType', {
        componentOf: object,
        conditionSource: variable,
        browseName: name,
        conditionName: name,
        nodeId: `${signal.address.replace(/^ns=1;/, '')}.${name}`,
        inputNode: variable,
        optionals: ['ConfirmedState', 'Confirm'],
      });
      alarm.setEnabledState(true);
      this.alarms.set(signal.address, alarm);
    }
    await this.server.start();
    return skipped;
  }

  /** Sets a value with its source timestamp; subscribers see the change. */
  publish(address: string, value: number, time: Date): void {
    this.variables.get(address)?.setValueFromSource(new Variant({ dataType: DataType.Double, value }), undefined, time);
  }

  /** Activates the signal's alarm condition (unacknowledged, unconfirmed) with an event of this severity. */
  raiseAlarm(address: string, severity: number, message: string, time: Date): void {
    const alarm = this.alarms.get(address);
    if (!alarm) return;
    alarm.activateAlarm();
    alarm.currentBranch().setConfirmedState(false);
    alarm.raiseNewCondition({ message, severity, retain: true, time });
  }

  /** Deactivates it; the condition is kept (retained) until it is also acknowledged. */
  clearAlarm(address: string, message: string, time: Date): void {
    const alarm = this.alarms.get(address);
    if (!alarm || !alarm.currentBranch().getActiveState()) return;
    alarm.deactivateAlarm(!alarm.currentBranch().getAckedState());
    alarm.raiseNewCondition({ message, severity: alarm.currentBranch().getSeverity(), retain: !alarm.currentBranch().getAckedState(), time });
  }

  /** The condition's state as the server holds it. */
  conditionState(address: string): ConditionState | null {
    const alarm = this.alarms.get(address);
    if (!alarm) return null;
    const branch = alarm.currentBranch();
    return {
      active: branch.getActiveState(),
      acked: branch.getAckedState(),
      confirmed: branch.getConfirmedState(),
      severity: branch.getSeverity(),
      comment: branch.getComment().text ?? '',
    };
  }

  stop(): Promise<void> {
    return this.server.shutdown(0);
  }
}
