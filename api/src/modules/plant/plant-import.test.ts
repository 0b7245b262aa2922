// The plant in bulk (issue 24, item 3): a PLC vendor's NodeSet2 of a new line imports (its dry run
// first, writing nothing), again changes nothing, and its objects, variables and ranges become
// assets, OPC UA signals and property ranges; the plant's own CSV, NodeSet2 and DTDL exports import
// back unchanged; malformed files are refused with their problems by row or element and nothing
// written; only plant:write may import.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';
import { PACKAGING_LINE_NODESET } from '../../../../scripts/test/plant-fixtures.ts';

const IMPORT = `mutation($i: PlantImportInput!) { importPlant(input: $i) {
  applied counts { create update unchanged } changes { entity key action where fields } problems { where field message } } }`;

describe('importing and exporting the plant', () => {
  let api: ApiHarness;
  let engineer: string;

  beforeAll(async () => {
    api = await startApi();
    engineer = await api.login('engineer@northwind.example');
  });
  afterAll(async () => api?.close());

  const importPlant = async (input: Record<string, unknown>, token = engineer) => {
    const res = await api.gql(IMPORT, { i: input }, token);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.importPlant as {
      applied: boolean;
      counts: { create: number; update: number; unchanged: number };
      changes: { entity: string; key: string; action: string; where: string; fields: Record<string, unknown> }[];
      problems: { where: string; field: string | null; message: string }[];
    };
  };
  const download = async (path: string) => (await api.app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${engineer}` } })).body;

  it("imports a vendor's NodeSet2 of a new line: the dry run first, then the line, once", async () => {
    const dry = await importPlant({ format: 'NODESET2', content: PACKAGING_LINE_NODESET, site: 'LEJ' });
    expect(dry).toMatchObject({ applied: false, problems: [], counts: { create: 9, update: 0, unchanged: 0 } });
    expect(dry.changes.map((c) => `${c.action} ${c.entity} ${c.key}`)).toEqual([
      'create line LEJ/LEJ-L9',
      'create asset_type Carton sealer',
      'create property Carton sealer/glue_temperature',
      'create property Carton sealer/running',
      'create asset LEJ-L9-SEAL01',
      'create asset LEJ-L9-SEAL02',
      'create signal LEJ-L9-SEAL01/glue_temperature',
      'create signal LEJ-L9-SEAL01/running',
      'create signal LEJ-L9-SEAL02/glue_temperature',
    ]);
    expect(dry.changes.find((c) => c.key === 'LEJ-L9-SEAL01')!.where).toBe('UAObject ns=1;i=5001');
    expect(await api.services.db.prisma.asset.count({ where: { code: { startsWith: 'LEJ-L9' } } })).toBe(0);

    const applied = await importPlant({ format: 'NODESET2', content: PACKAGING_LINE_NODESET, site: 'LEJ', dryRun: false });
    expect(applied).toMatchObject({ applied: true, counts: { create: 9 } });
    const property = await api.services.db.prisma.assetTypeProperty.findFirstOrThrow({
      where: { name: 'glue_temperature', assetType: { name: 'Carton sealer' } },
    });
    expect(property).toMatchObject({ dataType: 'NUMBER', unit: '°C', minValue: 150, maxValue: 185 });
    const signal = await api.services.db.prisma.signal.findFirstOrThrow({ where: { name: 'running', asset: { code: 'LEJ-L9-SEAL01' } } });
    expect(signal).toMatchObject({ sourceProtocol: 'OPC_UA', sourceAddress: 'ns=1;s=LEJ-L9-SEAL01.running', dataType: 'BOOLEAN' });
    const audited = await api.services.db.pool.query(`SELECT count(*)::int AS n FROM audit_events WHERE type = 'asset.created' AND payload->>'via' = 'import'`);
    expect(audited.rows[0].n).toBe(2);

    const again = await importPlant({ format: 'NODESET2', content: PACKAGING_LINE_NODESET, site: 'LEJ', dryRun: false });
    expect(again.counts).toEqual({ create: 0, update: 0, unchanged: 9 });
  });

  it('updates only what changed, naming the fields', async () => {
    const renamed = PACKAGING_LINE_NODESET.replace('<DisplayName>Sealer 2</DisplayName>', '<DisplayName>Sealer 2 (rebuilt)</DisplayName>').replace(
      '<uax:High>185',
      '<uax:High>190',
    );
    const dry = await importPlant({ format: 'NODESET2', content: renamed, site: 'LEJ' });
    expect(dry.changes.filter((c) => c.action === 'update').map((c) => [c.key, c.fields])).toEqual([
      ['Carton sealer/glue_temperature', { maxValue: [185, 190] }],
      ['LEJ-L9-SEAL02', { name: ['Sealer 2', 'Sealer 2 (rebuilt)'] }],
    ]);
  });

  it("round-trips the plant's own CSV, NodeSet2 and DTDL exports unchanged", async () => {
    const csv = await download('/export/plant.csv');
    expect(csv.split('\r\n')[0]).toMatch(/^record,site,line,code,name,asset_type/);
    const fromCsv = await importPlant({ format: 'CSV', content: csv });
    expect(fromCsv.problems).toEqual([]);
    expect(fromCsv.counts.create + fromCsv.counts.update).toBe(0);
    expect(fromCsv.counts.unchanged).toBeGreaterThan(100);

    const nodeset = await download('/export/plant.nodeset2.xml?line=LEJ-L9');
    const fromNodeset = await importPlant({ format: 'NODESET2', content: nodeset });
    expect(fromNodeset.problems).toEqual([]);
    expect(fromNodeset.changes.filter((c) => c.action !== 'unchanged')).toEqual([]);

    const dtdl = JSON.parse(await download('/export/plant.dtdl.json'));
    expect(dtdl[0]).toMatchObject({ '@context': ['dtmi:dtdl:context;3', 'dtmi:dtdl:extension:quantitativeTypes;1'], '@type': 'Interface' });
    const fromDtdl = await importPlant({ format: 'DTDL', content: JSON.stringify(dtdl) });
    expect(fromDtdl.problems).toEqual([]);
    expect(fromDtdl.changes.filter((c) => c.action !== 'unchanged')).toEqual([]);
  });

  it('imports DTDL v3 interfaces as asset types with their units', async () => {
    const pump = {
      '@context': ['dtmi:dtdl:context;3', 'dtmi:dtdl:extension:quantitativeTypes;1'],
      '@id': 'dtmi:com:northwind:DosingPump;1',
      '@type': 'Interface',
      displayName: 'Dosing pump',
      contents: [
        { '@type': ['Telemetry', 'Pressure'], name: 'outlet_pressure', schema: 'double', unit: 'bar' },
        { '@type': 'Property', name: 'mode', schema: { '@type': 'Enum', valueSchema: 'string', enumValues: [] } },
        { '@type': 'Command', name: 'prime' },
      ],
    };
    const result = await importPlant({ format: 'DTDL', content: JSON.stringify(pump), dryRun: false });
    expect(result).toMatchObject({ applied: true, problems: [] });
    const properties = await api.services.db.prisma.assetTypeProperty.findMany({ where: { assetType: { name: 'Dosing pump' } }, orderBy: { name: 'asc' } });
    expect(properties.map((p) => [p.name, p.dataType, p.unit])).toEqual([
      ['mode', 'STATE', null],
      ['outlet_pressure', 'NUMBER', 'bar'],
    ]);
  });

  it('refuses malformed files with their problems by row or element, writing nothing', async () => {
    const before = await api.services.db.prisma.asset.count();
    const notXml = await importPlant({ format: 'NODESET2', content: '<UANodeSet><UAObject NodeId="ns=1;i=1"></UANodeSet>', dryRun: false });
    expect(notXml.applied).toBe(false);
    expect(notXml.problems[0]).toMatchObject({ where: expect.stringMatching(/^line \d+$/), message: expect.stringMatching(/not well-formed XML/) });
    const wrongRoot = await importPlant({ format: 'NODESET2', content: '<Nodes/>', dryRun: false });
    expect(wrongRoot.problems).toEqual([{ where: 'document', field: null, message: 'the root element is not UANodeSet' }]);
    const unknownType = PACKAGING_LINE_NODESET.replace(
      '<Reference ReferenceType="HasTypeDefinition">ns=1;i=1001</Reference>\n      <Reference ReferenceType="Organizes"',
      '<Reference ReferenceType="HasTypeDefinition">ns=1;i=9999</Reference>\n      <Reference ReferenceType="Organizes"',
    );
    const typed = await importPlant({ format: 'NODESET2', content: unknownType, site: 'LEJ', dryRun: false });
    expect(typed.problems).toContainEqual({
      where: 'UAObject ns=1;i=5001',
      field: 'HasTypeDefinition',
      message: 'its type ns=1;i=9999 is not an object type in the file',
    });
    const noSite = await importPlant({ format: 'NODESET2', content: PACKAGING_LINE_NODESET.replaceAll('LEJ-L9', 'LEJ-L8'), dryRun: false });
    expect(noSite.problems[0]).toMatchObject({ where: 'UAObject ns=1;i=5001', field: 'ParentNodeId' });

    const csv = [
      'record,site,line,code,name,asset_type,min,max,protocol,address',
      'line,LEJ,,LEJ-L7,Line 7,,,,,',
      'asset,LEJ,LEJ-L7,bad code!,Broken,CNC machining centre,,,,',
      'asset,LEJ,LEJ-L6,LEJ-L6-X01,Nowhere,CNC machining centre,,,,',
      'asset_type,,,Gauge,Gauge,,,,,',
      'property,,,range,range,Gauge,10,5,,',
      'signal,,,LEJ-L1-CNC01,dup,,,,OPC_UA,ns=2;s=already-taken',
      'gizmo,,,x,x,,,,,',
    ].join('\n');
    await api.services.db.pool.query(
      `UPDATE signals SET source_address = 'ns=2;s=already-taken' WHERE id = (SELECT id FROM signals WHERE source_protocol = 'OPC_UA' LIMIT 1)`,
    );
    const rows = await importPlant({ format: 'CSV', content: csv, dryRun: false });
    expect(rows.applied).toBe(false);
    const byRow = Object.fromEntries(rows.problems.map((p) => [p.where, p.field]));
    expect(byRow).toMatchObject({ 'row 3': 'code', 'row 4': 'line', 'row 6': 'min', 'row 7': 'address', 'row 8': 'record' });
    expect(await api.services.db.prisma.line.count({ where: { code: 'LEJ-L7' } })).toBe(0);

    const dtdl = await importPlant({
      format: 'DTDL',
      content: JSON.stringify({ '@id': 'dtmi:x:Y;1', '@type': 'Interface', contents: [{ '@type': 'Telemetry', name: 't', schema: 'duration' }] }),
    });
    expect(dtdl.problems.map((p) => [p.where, p.field])).toEqual([
      ['dtmi:x:Y;1', '@context'],
      ['dtmi:x:Y;1 t', 'schema'],
    ]);
    expect(await api.services.db.prisma.asset.count()).toBe(before);
  });

  it('lets only plant:write import', async () => {
    const viewer = await api.login('viewer@northwind.example');
    const res = await api.gql(IMPORT, { i: { format: 'CSV', content: 'record,code,name\n' } }, viewer);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
