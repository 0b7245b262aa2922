// The demo plant: Northwind Components, two sites, four lines, forty assets of five types with
// typed properties and signals, three use cases with KPIs, costs, waves, squads and a demo user
// per role. Deterministic (seeded), so screenshots and tests see the same plant every time.
import type { PrismaClient, UserRole } from '../client.ts';
import { appendAuditEvent } from '../audit/audit-log.ts';
import { hashPassword } from '../passwords.ts';
import { seededRandom } from '../random.ts';
import { systemClock } from '../clock.ts';

export const DEMO_ORG_SLUG = 'northwind';
export const DEMO_PASSWORD = 'threadline-demo';
export const DEMO_USERS: { role: UserRole; email: string; name: string }[] = [
  { role: 'VIEWER', email: 'viewer@northwind.example', name: 'Vera Viewer' },
  { role: 'ENGINEER', email: 'engineer@northwind.example', name: 'Emil Engineer' },
  { role: 'DATA_SCIENTIST', email: 'data@northwind.example', name: 'Dana Scientist' },
  { role: 'APPROVER', email: 'approver@northwind.example', name: 'Anja Approver' },
  { role: 'ADMIN', email: 'admin@northwind.example', name: 'Adam Admin' },
];

interface PropertySpec {
  name: string;
  unit: string;
  min: number;
  max: number;
  protocol: 'MQTT' | 'OPC_UA';
  intervalMs: number;
}
interface TypeSpec {
  name: string;
  code: string;
  opcua: string;
  description: string;
  maker: string;
  model: string;
  properties: PropertySpec[];
}

const ASSET_TYPES: TypeSpec[] = [
  {
    name: 'CNC machining centre',
    code: 'CNC',
    opcua: 'ns=MachineTool;i=1001',
    description: '5-axis machining centre with motor spindle (OPC UA for Machine Tools).',
    maker: 'DMG Mori',
    model: 'DMU 65 monoBLOCK',
    properties: [
      { name: 'spindle_vibration', unit: 'mm/s', min: 0, max: 7.1, protocol: 'OPC_UA', intervalMs: 1000 },
      { name: 'spindle_temperature', unit: '°C', min: 15, max: 65, protocol: 'OPC_UA', intervalMs: 5000 },
      { name: 'spindle_load', unit: '%', min: 0, max: 95, protocol: 'OPC_UA', intervalMs: 1000 },
      { name: 'power', unit: 'kW', min: 0, max: 35, protocol: 'OPC_UA', intervalMs: 5000 },
    ],
  },
  {
    name: 'Air compressor',
    code: 'CMP',
    opcua: 'ns=Compressor;i=2001',
    description: 'Oil-injected rotary screw compressor feeding the plant air network.',
    maker: 'Atlas Copco',
    model: 'GA 37 VSD+',
    properties: [
      { name: 'discharge_pressure', unit: 'bar', min: 6, max: 8.5, protocol: 'MQTT', intervalMs: 2000 },
      { name: 'discharge_temperature', unit: '°C', min: 60, max: 105, protocol: 'MQTT', intervalMs: 5000 },
      { name: 'power', unit: 'kW', min: 0, max: 42, protocol: 'MQTT', intervalMs: 5000 },
      { name: 'flow', unit: 'm³/min', min: 0, max: 7.2, protocol: 'MQTT', intervalMs: 5000 },
    ],
  },
  {
    name: 'Conveyor drive',
    code: 'CNV',
    opcua: 'ns=Drive;i=3001',
    description: 'Belt conveyor with geared motor and frequency inverter.',
    maker: 'SEW-Eurodrive',
    model: 'MOVIGEAR performance',
    properties: [
      { name: 'motor_current', unit: 'A', min: 0, max: 18, protocol: 'MQTT', intervalMs: 1000 },
      { name: 'belt_speed', unit: 'm/s', min: 0, max: 2.5, protocol: 'MQTT', intervalMs: 1000 },
      { name: 'gearbox_temperature', unit: '°C', min: 10, max: 85, protocol: 'MQTT', intervalMs: 10000 },
      { name: 'units_conveyed', unit: 'units/min', min: 0, max: 120, protocol: 'MQTT', intervalMs: 60000 },
    ],
  },
  {
    name: 'Process chiller',
    code: 'CHL',
    opcua: 'ns=Chiller;i=4001',
    description: 'Water chiller cooling spindles and hydraulics.',
    maker: 'Carrier',
    model: 'AquaSnap 30RB',
    properties: [
      { name: 'supply_temperature', unit: '°C', min: 6, max: 14, protocol: 'OPC_UA', intervalMs: 10000 },
      { name: 'return_temperature', unit: '°C', min: 10, max: 20, protocol: 'OPC_UA', intervalMs: 10000 },
      { name: 'power', unit: 'kW', min: 0, max: 120, protocol: 'OPC_UA', intervalMs: 10000 },
      { name: 'cop', unit: '', min: 2.5, max: 6, protocol: 'OPC_UA', intervalMs: 60000 },
    ],
  },
  {
    name: 'Vision inspection station',
    code: 'VIS',
    opcua: 'ns=Vision;i=5001',
    description: 'Camera station grading parts at the end of the line (OPC UA Machine Vision).',
    maker: 'Cognex',
    model: 'In-Sight 3800',
    properties: [
      { name: 'parts_inspected', unit: 'parts/min', min: 0, max: 90, protocol: 'OPC_UA', intervalMs: 60000 },
      { name: 'reject_rate', unit: '%', min: 0, max: 5, protocol: 'OPC_UA', intervalMs: 60000 },
      { name: 'confidence', unit: '', min: 0.5, max: 1, protocol: 'OPC_UA', intervalMs: 60000 },
    ],
  },
];

const SITES = [
  { code: 'LEJ', name: 'Leipzig machining plant', timezone: 'Europe/Berlin', country: 'DE', latitude: 51.34, longitude: 12.37 },
  { code: 'BRQ', name: 'Brno assembly plant', timezone: 'Europe/Prague', country: 'CZ', latitude: 49.19, longitude: 16.61 },
];

/** Per line: how many assets of each type code. 4 lines, 40 assets. */
const LINES = [
  { site: 'LEJ', code: 'LEJ-L1', name: 'Housing machining line', mix: { CNC: 6, CMP: 1, CNV: 2, CHL: 1, VIS: 1 } },
  { site: 'LEJ', code: 'LEJ-L2', name: 'Shaft machining line', mix: { CNC: 5, CMP: 1, CNV: 2, CHL: 1, VIS: 1 } },
  { site: 'BRQ', code: 'BRQ-L1', name: 'Pump assembly line', mix: { CNC: 2, CMP: 2, CNV: 4, CHL: 1, VIS: 1 } },
  { site: 'BRQ', code: 'BRQ-L2', name: 'Motor assembly line', mix: { CNC: 2, CMP: 1, CNV: 4, CHL: 1, VIS: 1 } },
] as const;

const DAY = 86_400_000;
const monthsAgo = (now: Date, months: number) => new Date(now.getTime() - months * 30 * DAY);
const monthsAhead = (now: Date, months: number) => new Date(now.getTime() + months * 30 * DAY);

/**
 * Where a signal comes from: OPC UA nodes for machines with a server, plain MQTT topics in Leipzig,
 * Sparkplug B through the Brno gateway `brq-gw-01`.
 */
export function sourceOf(site: string, assetCode: string, property: string, protocol: 'MQTT' | 'OPC_UA') {
  if (protocol === 'OPC_UA') return { sourceProtocol: 'OPC_UA' as const, sourceAddress: `ns=1;s=${assetCode}.${property}` };
  if (site === 'BRQ') return { sourceProtocol: 'SPARKPLUG_B' as const, sourceAddress: `northwind/brq-gw-01/${assetCode}/${property}` };
  return { sourceProtocol: 'MQTT' as const, sourceAddress: `threadline/${site.toLowerCase()}/${assetCode}/${property}` };
}

export interface SeedResult {
  created: boolean;
  organizationId: string;
  assets: number;
  signals: number;
}

/** Seeds the demo plant once; a second run finds it and changes nothing. */
export async function seedDemoPlant(prisma: PrismaClient, now = systemClock.now()): Promise<SeedResult> {
  const existing = await prisma.organization.findUnique({ where: { slug: DEMO_ORG_SLUG } });
  if (existing) {
    const [assets, signals] = await Promise.all([
      prisma.asset.count({ where: { organizationId: existing.id } }),
      prisma.signal.count({ where: { organizationId: existing.id } }),
    ]);
    return { created: false, organizationId: existing.id, assets, signals };
  }
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const rand = seededRandom(20261123);
  return prisma.$transaction(
    async (tx) => {
      const org = await tx.organization.create({ data: { name: 'Northwind Components', slug: DEMO_ORG_SLUG, currency: 'EUR' } });
      const organizationId = org.id;
      const users = Object.fromEntries(
        await Promise.all(
          DEMO_USERS.map(async (u) => [u.role, await tx.user.create({ data: { organizationId, email: u.email, name: u.name, role: u.role, passwordHash } })]),
        ),
      ) as Record<UserRole, { id: string }>;

      const sites = Object.fromEntries(await Promise.all(SITES.map(async (s) => [s.code, await tx.site.create({ data: { organizationId, ...s } })])));
      const types: Record<string, { id: string; properties: { id: string; name: string; unit: string | null; spec: PropertySpec }[] }> = {};
      for (const t of ASSET_TYPES) {
        const type = await tx.assetType.create({ data: { organizationId, name: t.name, description: t.description, opcuaTypeNode: t.opcua } });
        const properties = [];
        for (const p of t.properties) {
          const prop = await tx.assetTypeProperty.create({
            data: { organizationId, assetTypeId: type.id, name: p.name, dataType: 'NUMBER', unit: p.unit || null, minValue: p.min, maxValue: p.max },
          });
          properties.push({ id: prop.id, name: prop.name, unit: prop.unit, spec: p });
        }
        types[t.code] = { id: type.id, properties };
      }

      const lines: Record<string, { id: string; assetIds: string[] }> = {};
      let assets = 0;
      let signals = 0;
      const machiningAssets: string[] = [];
      const compressorAssets: string[] = [];
      for (const l of LINES) {
        const line = await tx.line.create({ data: { organizationId, siteId: sites[l.site]!.id, code: l.code, name: l.name } });
        lines[l.code] = { id: line.id, assetIds: [] };
        for (const [typeCode, count] of Object.entries(l.mix)) {
          const spec = ASSET_TYPES.find((t) => t.code === typeCode)!;
          for (let i = 1; i <= count; i += 1) {
            const code = `${l.code}-${typeCode}${String(i).padStart(2, '0')}`;
            const asset = await tx.asset.create({
              data: {
                organizationId,
                lineId: line.id,
                assetTypeId: types[typeCode]!.id,
                code,
                name: `${spec.name} ${i} (${l.code})`,
                manufacturer: spec.maker,
                modelNumber: spec.model,
                serialNumber: `${typeCode}-${Math.floor(rand() * 9e5 + 1e5)}`,
                criticality: typeCode === 'CNC' || typeCode === 'CHL' ? 4 : typeCode === 'VIS' ? 5 : 3,
                tags: [typeCode.toLowerCase(), l.site.toLowerCase()],
                commissionedAt: monthsAgo(now, 24 + Math.floor(rand() * 96)),
              },
            });
            assets += 1;
            lines[l.code]!.assetIds.push(asset.id);
            if (typeCode === 'CNC') machiningAssets.push(asset.id);
            if (typeCode === 'CMP') compressorAssets.push(asset.id);
            await tx.signal.createMany({
              data: types[typeCode]!.properties.map((p) => ({
                organizationId,
                assetId: asset.id,
                propertyId: p.id,
                name: p.name,
                unit: p.unit,
                dataType: 'NUMBER' as const,
                ...sourceOf(l.site, code, p.name, p.spec.protocol),
                samplingIntervalMs: p.spec.intervalMs,
                tags: [p.name.split('_')[0]!],
              })),
            });
            signals += types[typeCode]!.properties.length;
          }
        }
      }

      // Use cases, with the business case behind each.
      const pdm = await tx.useCase.create({
        data: {
          organizationId,
          name: 'Predictive maintenance of CNC spindles',
          status: 'ACTIVE',
          ownerId: users.APPROVER.id,
          description: 'Predict spindle bearing failures from vibration, temperature and load 48 h ahead to cut unplanned downtime.',
          kickoffAt: monthsAgo(now, 9),
          dataReadiness: 0.8,
          stakeholderAlignment: 0.9,
          riskLevel: 'MEDIUM',
          discountRateAnnual: 0.08,
        },
      });
      const energy = await tx.useCase.create({
        data: {
          organizationId,
          name: 'Compressed-air and chiller energy optimisation',
          status: 'ACTIVE',
          ownerId: users.ADMIN.id,
          description: 'Detect leaks and inefficient operation of compressors and chillers; schedule set-points to cut energy cost.',
          kickoffAt: monthsAgo(now, 4),
          dataReadiness: 0.65,
          stakeholderAlignment: 0.7,
          riskLevel: 'LOW',
          discountRateAnnual: 0.08,
        },
      });
      const vision = await tx.useCase.create({
        data: {
          organizationId,
          name: 'Visual inspection defect detection',
          status: 'PROPOSED',
          ownerId: users.APPROVER.id,
          description: 'Grade machined housings with a vision model to catch surface defects before assembly.',
          kickoffAt: monthsAgo(now, 1),
          dataReadiness: 0.4,
          stakeholderAlignment: 0.6,
          riskLevel: 'HIGH',
          discountRateAnnual: 0.08,
        },
      });

      const kpi = (
        useCaseId: string,
        d: {
          name: string;
          kind: 'UNPLANNED_DOWNTIME' | 'UPTIME' | 'ENERGY_COST' | 'ENERGY_PER_UNIT' | 'DEFECT_RATE' | 'OEE';
          unit: string;
          direction: 'LOWER_IS_BETTER' | 'HIGHER_IS_BETTER';
          baseline: number;
          target: number;
          valuePerUnit: number;
          description: string;
        },
      ) => tx.kpi.create({ data: { organizationId, useCaseId, ...d } });
      const downtime = await kpi(pdm.id, {
        name: 'Unplanned downtime',
        kind: 'UNPLANNED_DOWNTIME',
        unit: 'h/month',
        direction: 'LOWER_IS_BETTER',
        baseline: 42,
        target: 29,
        valuePerUnit: 1850,
        description: 'Hours per month the spindle lines stood still without a plan (target -30%).',
      });
      const oee = await kpi(pdm.id, {
        name: 'OEE of machining lines',
        kind: 'OEE',
        unit: '%',
        direction: 'HIGHER_IS_BETTER',
        baseline: 71,
        target: 76,
        valuePerUnit: 2400,
        description: 'Availability × performance × quality of LEJ-L1 and LEJ-L2.',
      });
      const energyCost = await kpi(energy.id, {
        name: 'Compressed air and cooling energy cost',
        kind: 'ENERGY_COST',
        unit: 'EUR/month',
        direction: 'LOWER_IS_BETTER',
        baseline: 38000,
        target: 32300,
        valuePerUnit: 1,
        description: 'Monthly electricity cost of compressors and chillers (target -15%).',
      });
      const specificEnergy = await kpi(energy.id, {
        name: 'Energy per unit',
        kind: 'ENERGY_PER_UNIT',
        unit: 'kWh/unit',
        direction: 'LOWER_IS_BETTER',
        baseline: 1.9,
        target: 1.62,
        valuePerUnit: 9000,
        description: 'Compressor and chiller energy per unit produced.',
      });
      const escapes = await kpi(vision.id, {
        name: 'Defect escape rate',
        kind: 'DEFECT_RATE',
        unit: '%',
        direction: 'LOWER_IS_BETTER',
        baseline: 1.2,
        target: 0.4,
        valuePerUnit: 15000,
        description: 'Share of defective housings reaching assembly (detection target above 99.5%).',
      });

      // Monthly KPI history since each kickoff: a realistic, noisy approach towards target.
      const history = [
        { kpi: downtime, useCase: pdm, months: 9, start: 42, end: 31 },
        { kpi: oee, useCase: pdm, months: 9, start: 71, end: 74.5 },
        { kpi: energyCost, useCase: energy, months: 4, start: 38000, end: 35100 },
        { kpi: specificEnergy, useCase: energy, months: 4, start: 1.9, end: 1.78 },
      ];
      for (const h of history) {
        await tx.kpiMeasurement.createMany({
          data: Array.from({ length: h.months * 4 }, (_, week) => {
            const progress = week / (h.months * 4 - 1);
            const noise = (rand() - 0.5) * 0.04 * Math.abs(h.start);
            return {
              organizationId,
              kpiId: h.kpi.id,
              measuredAt: new Date(monthsAgo(now, h.months).getTime() + week * 7 * DAY),
              value: h.start + (h.end - h.start) * progress + noise,
              source: 'COMPUTED' as const,
            };
          }),
        });
      }

      await tx.costItem.createMany({
        data: [
          {
            organizationId,
            useCaseId: pdm.id,
            name: 'Vibration sensors and edge gateways',
            kind: 'ONE_TIME',
            category: 'HARDWARE',
            amount: 48000,
            startsAt: monthsAgo(now, 9),
          },
          {
            organizationId,
            useCaseId: pdm.id,
            name: 'Integration with CMMS and PLCs',
            kind: 'ONE_TIME',
            category: 'INTEGRATION',
            amount: 36000,
            startsAt: monthsAgo(now, 9),
          },
          {
            organizationId,
            useCaseId: pdm.id,
            name: 'Platform and model operations',
            kind: 'MONTHLY',
            category: 'SOFTWARE',
            amount: 4200,
            startsAt: monthsAgo(now, 9),
          },
          {
            organizationId,
            useCaseId: pdm.id,
            name: 'Operator certification',
            kind: 'ONE_TIME',
            category: 'TRAINING',
            amount: 9000,
            startsAt: monthsAgo(now, 7),
          },
          {
            organizationId,
            useCaseId: energy.id,
            name: 'Power meters and flow sensors',
            kind: 'ONE_TIME',
            category: 'HARDWARE',
            amount: 27000,
            startsAt: monthsAgo(now, 4),
          },
          {
            organizationId,
            useCaseId: energy.id,
            name: 'Energy analytics operations',
            kind: 'MONTHLY',
            category: 'SOFTWARE',
            amount: 1800,
            startsAt: monthsAgo(now, 4),
          },
          {
            organizationId,
            useCaseId: vision.id,
            name: 'Cameras, lighting and GPU edge box',
            kind: 'ONE_TIME',
            category: 'HARDWARE',
            amount: 62000,
            startsAt: monthsAgo(now, 1),
          },
          {
            organizationId,
            useCaseId: vision.id,
            name: 'Labelling and data science',
            kind: 'MONTHLY',
            category: 'PEOPLE',
            amount: 7500,
            startsAt: monthsAgo(now, 1),
          },
        ],
      });

      // Waves: predictive maintenance finished its pilot and runs its anchor deployment; energy is
      // piloting; vision is planning its pilot.
      const pdmPilot = await tx.scalingWave.create({
        data: {
          organizationId,
          useCaseId: pdm.id,
          phase: 'PILOT_AND_PROVE',
          name: 'Pilot on four LEJ-L1 spindles',
          status: 'PASSED',
          plannedStartAt: monthsAgo(now, 9),
          plannedEndAt: monthsAgo(now, 4),
          startedAt: monthsAgo(now, 9),
          endedAt: monthsAgo(now, 4),
          maxAssets: 5,
        },
      });
      const pdmAnchor = await tx.scalingWave.create({
        data: {
          organizationId,
          useCaseId: pdm.id,
          phase: 'ANCHOR_DEPLOYMENT',
          name: 'Anchor: both Leipzig machining lines',
          status: 'ACTIVE',
          plannedStartAt: monthsAgo(now, 4),
          plannedEndAt: monthsAhead(now, 5),
          startedAt: monthsAgo(now, 4),
          maxLines: 2,
          maxSites: 1,
        },
      });
      await tx.scalingWave.create({
        data: {
          organizationId,
          useCaseId: pdm.id,
          phase: 'ENTERPRISE_ROLLOUT',
          name: 'Enterprise: every CNC in both plants',
          status: 'PLANNED',
          plannedStartAt: monthsAhead(now, 5),
          plannedEndAt: monthsAhead(now, 23),
        },
      });
      const energyPilot = await tx.scalingWave.create({
        data: {
          organizationId,
          useCaseId: energy.id,
          phase: 'PILOT_AND_PROVE',
          name: 'Pilot on Leipzig compressors and chillers',
          status: 'ACTIVE',
          plannedStartAt: monthsAgo(now, 4),
          plannedEndAt: monthsAhead(now, 1),
          startedAt: monthsAgo(now, 4),
          maxAssets: 5,
        },
      });
      const visionPilot = await tx.scalingWave.create({
        data: {
          organizationId,
          useCaseId: vision.id,
          phase: 'PILOT_AND_PROVE',
          name: 'Pilot at LEJ-L1 end-of-line camera',
          status: 'PLANNED',
          plannedStartAt: now,
          plannedEndAt: monthsAhead(now, 4),
          maxAssets: 5,
        },
      });

      await tx.waveScopeItem.createMany({
        data: [
          ...machiningAssets.slice(0, 4).map((assetId) => ({ organizationId, waveId: pdmPilot.id, assetId })),
          { organizationId, waveId: pdmAnchor.id, lineId: lines['LEJ-L1']!.id },
          { organizationId, waveId: pdmAnchor.id, lineId: lines['LEJ-L2']!.id },
          ...compressorAssets.slice(0, 2).map((assetId) => ({ organizationId, waveId: energyPilot.id, assetId })),
          { organizationId, waveId: visionPilot.id, assetId: lines['LEJ-L1']!.assetIds.at(-1)! },
        ],
      });
      await tx.waveGate.createMany({
        data: [
          {
            organizationId,
            waveId: pdmPilot.id,
            kpiId: downtime.id,
            threshold: 36,
            windowDays: 30,
            passing: true,
            lastValue: 35.2,
            lastEvaluatedAt: monthsAgo(now, 4),
          },
          { organizationId, waveId: pdmAnchor.id, kpiId: downtime.id, threshold: 29, windowDays: 30 },
          { organizationId, waveId: pdmAnchor.id, kpiId: oee.id, threshold: 75, windowDays: 30 },
          { organizationId, waveId: energyPilot.id, kpiId: energyCost.id, threshold: 35000, windowDays: 30 },
          { organizationId, waveId: visionPilot.id, kpiId: escapes.id, threshold: 0.6, windowDays: 30 },
        ],
      });
      await tx.gateDecision.create({
        data: {
          organizationId,
          waveId: pdmPilot.id,
          outcome: 'ADVANCE',
          decidedById: users.APPROVER.id,
          decidedAt: monthsAgo(now, 4),
          rationale: 'Downtime on the pilot spindles fell from 42 to 35 h/month; operators trust the alerts. Advance to both Leipzig lines.',
          gateResults: [{ kpi: 'Unplanned downtime', threshold: 36, value: 35.2, passing: true }],
        },
      });
      await tx.approval.create({
        data: {
          organizationId,
          subjectType: 'GATE_DECISION',
          subjectId: pdmPilot.id,
          status: 'APPROVED',
          requestedById: users.DATA_SCIENTIST.id,
          approverId: users.APPROVER.id,
          decidedAt: monthsAgo(now, 4),
          comment: 'Gate evidence reviewed.',
        },
      });

      // Squads with every role, OKRs whose key results track KPIs, and the review rhythm.
      const squadDefs = [
        {
          name: 'Spindle reliability squad',
          useCaseId: pdm.id,
          mission: 'Halve unplanned spindle downtime across both plants.',
          krKpi: downtime,
          krTarget: 29,
        },
        { name: 'Energy squad', useCaseId: energy.id, mission: 'Cut compressed-air and cooling energy cost by 15%.', krKpi: energyCost, krTarget: 32300 },
      ];
      const roles = ['OT', 'IT', 'DATA_SCIENCE', 'OPERATIONS', 'SECURITY', 'DOMAIN_SME'] as const;
      const people = ['Otto Technik', 'Ines Tech', 'Dana Scientist', 'Olga Operator', 'Sam Security', 'Max Meister'];
      for (const def of squadDefs) {
        const squad = await tx.squad.create({ data: { organizationId, name: def.name, useCaseId: def.useCaseId, mission: def.mission } });
        await tx.squadMember.createMany({
          data: roles.map((role, i) => ({
            organizationId,
            squadId: squad.id,
            role,
            displayName: people[i]!,
            allocationPct: role === 'DATA_SCIENCE' ? 80 : 30,
            userId: role === 'DATA_SCIENCE' ? users.DATA_SCIENTIST.id : role === 'OT' ? users.ENGINEER.id : null,
          })),
        });
        const okr = await tx.okr.create({
          data: { organizationId, squadId: squad.id, objective: def.mission, periodStart: monthsAgo(now, 2), periodEnd: monthsAhead(now, 1) },
        });
        await tx.keyResult.create({
          data: {
            organizationId,
            okrId: okr.id,
            kpiId: def.krKpi.id,
            description: `${def.krKpi.name} at or better than ${def.krTarget} ${def.krKpi.unit}`,
            targetValue: def.krTarget,
            unit: def.krKpi.unit,
          },
        });
        await tx.review.createMany({
          data: [
            {
              organizationId,
              kind: 'MODEL_PERFORMANCE',
              useCaseId: def.useCaseId,
              squadId: squad.id,
              ownerId: users.DATA_SCIENTIST.id,
              dueAt: new Date(now.getTime() + 14 * DAY),
            },
            {
              organizationId,
              kind: 'MODEL_PERFORMANCE',
              useCaseId: def.useCaseId,
              squadId: squad.id,
              ownerId: users.DATA_SCIENTIST.id,
              dueAt: new Date(now.getTime() - 0.5 * DAY),
              heldAt: new Date(now.getTime() - 0.5 * DAY),
              status: 'DONE',
              findings: [
                {
                  finding: 'Precision stable at 0.82; recall dipped on LEJ-L2 night shift.',
                  owner: 'Dana Scientist',
                  dueAt: new Date(now.getTime() + 7 * DAY).toISOString(),
                },
              ],
            },
          ],
        });
      }
      await tx.review.createMany({
        data: [
          { organizationId, kind: 'INFRA_HEALTH', ownerId: users.ENGINEER.id, dueAt: monthsAhead(now, 2) },
          { organizationId, kind: 'MATURITY', ownerId: users.ADMIN.id, dueAt: monthsAhead(now, 8) },
        ],
      });
      await tx.certification.createMany({
        data: [
          {
            organizationId,
            holderId: users.ENGINEER.id,
            subject: 'Acting on predictive-maintenance alerts',
            level: 'OPERATOR',
            issuedAt: monthsAgo(now, 7),
            expiresAt: monthsAhead(now, 5),
            issuedById: users.ADMIN.id,
          },
          {
            organizationId,
            holderId: users.VIEWER.id,
            subject: 'Acting on predictive-maintenance alerts',
            level: 'OPERATOR',
            issuedAt: monthsAgo(now, 11),
            expiresAt: new Date(now.getTime() + 20 * DAY),
            issuedById: users.ADMIN.id,
          },
          {
            organizationId,
            holderId: users.DATA_SCIENTIST.id,
            subject: 'Model governance and EU AI Act duties',
            level: 'PRACTITIONER',
            issuedAt: monthsAgo(now, 3),
            expiresAt: monthsAhead(now, 21),
            issuedById: users.ADMIN.id,
          },
        ],
      });

      await tx.edgeTarget.createMany({
        data: [
          {
            organizationId,
            siteId: sites.LEJ!.id,
            name: 'lej-edge-01',
            kind: 'INDUSTRIAL_PC',
            runtime: 'onnxruntime-node (CPU)',
            fallbackRules: { mode: 'ASSET_TYPE_RANGES' },
          },
          {
            organizationId,
            siteId: sites.BRQ!.id,
            name: 'brq-jetson-01',
            kind: 'JETSON',
            runtime: 'onnxruntime (CUDA)',
            fallbackRules: { mode: 'ASSET_TYPE_RANGES' },
          },
          { organizationId, name: 'cloud-inference', kind: 'CLOUD', runtime: 'onnxruntime-node (CPU)', fallbackRules: { mode: 'ASSET_TYPE_RANGES' } },
        ],
      });

      const incidentAsset = machiningAssets[1]!;
      await tx.incident.createMany({
        data: [
          {
            organizationId,
            assetId: incidentAsset,
            title: 'Spindle bearing seizure',
            cause: 'Bearing wear; lubrication interval missed',
            severity: 'CRITICAL',
            startedAt: monthsAgo(now, 8),
            endedAt: new Date(monthsAgo(now, 8).getTime() + 14 * 3_600_000),
            downtimeMinutes: 840,
            aiRelated: false,
          },
          {
            organizationId,
            assetId: machiningAssets[3]!,
            title: 'Spindle overheating stop',
            cause: 'Chiller supply temperature drift',
            severity: 'WARNING',
            startedAt: monthsAgo(now, 2),
            endedAt: new Date(monthsAgo(now, 2).getTime() + 3 * 3_600_000),
            downtimeMinutes: 180,
            aiRelated: true,
          },
        ],
      });

      await appendAuditEvent(tx, {
        organizationId,
        type: 'organization.created',
        actor: { kind: 'SYSTEM', id: null, label: 'seed:demo-plant' },
        subjectType: 'organization',
        subjectId: organizationId,
        payload: { name: org.name, sites: SITES.length, lines: LINES.length, assets, signals, useCases: 3, users: DEMO_USERS.length },
      });
      return { created: true, organizationId, assets, signals };
    },
    { timeout: 60_000 },
  );
}
