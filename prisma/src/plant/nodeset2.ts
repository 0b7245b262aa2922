// OPC UA NodeSet2 (Part 6, annex F), the subset a PLC vendor exports: object types with their
// variables (data type, EngineeringUnits, EURange) become asset types with properties; objects of
// those types become assets, their variables signals (OPC_UA, the node id as address), nested
// objects child assets; the untyped objects (folders) above them become the line and, above that,
// the site (or the site the caller names). Every problem names the element (its NodeId). The writer
// produces the same subset from the plant, so an export imports back unchanged.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { emptyDocument, type DataType, type PlantDocument, type PlantProblem } from './plant-document.ts';

interface Reference {
  '@_ReferenceType': string;
  '@_IsForward'?: string;
  '#text': string;
}
interface UANode {
  '@_NodeId': string;
  '@_BrowseName': string;
  '@_ParentNodeId'?: string;
  '@_DataType'?: string;
  DisplayName?: string | { '#text': string };
  Description?: string | { '#text': string };
  References?: { Reference?: Reference[] };
  Value?: unknown;
}

const REPEATED = new Set(['UAObjectType', 'UAObject', 'UAVariable', 'Reference', 'Uri', 'Alias']);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseTagValue: false,
  isArray: (name) => REPEATED.has(name),
});

const STRUCTURE_TYPES = new Set(['i=58', 'i=61']); // BaseObjectType, FolderType
const NUMBER_TYPES = /^(i=(10|11|[2-9]|26|27|28|29)|Double|Float|S?Byte|U?Int(16|32|64)|Number|Integer|UInteger)$/;
const HIERARCHICAL = new Set(['HasComponent', 'Organizes', 'HasProperty', 'i=47', 'i=35', 'i=46']);

const textOf = (value: UANode['DisplayName']) => (typeof value === 'string' ? value : (value?.['#text'] ?? '')).trim();
const browseName = (node: UANode) => node['@_BrowseName'].replace(/^\d+:/, '');

function dataTypeOf(type: string | undefined): DataType {
  if (!type || NUMBER_TYPES.test(type)) return 'NUMBER';
  if (type === 'Boolean' || type === 'i=1') return 'BOOLEAN';
  if (type === 'String' || type === 'LocalizedText' || type === 'i=12' || type === 'i=21') return 'STRING';
  return 'NUMBER';
}

/** The first number found under `key` anywhere in a parsed value (EURange's Low and High). */
function numberIn(value: unknown, key: string): number | null {
  if (!value || typeof value !== 'object') return null;
  for (const [k, v] of Object.entries(value)) {
    if (k.replace(/^.*:/, '') === key && (typeof v === 'string' || typeof v === 'number') && Number.isFinite(Number(v))) return Number(v);
    const found = numberIn(v, key);
    if (found !== null) return found;
  }
  return null;
}

/** EngineeringUnits' display name (the unit's symbol), anywhere in a parsed value. */
function unitIn(value: unknown): string | null {
  if (!value || typeof value !== 'object') return null;
  for (const [k, v] of Object.entries(value)) {
    if (k.replace(/^.*:/, '') === 'DisplayName') {
      const text = typeof v === 'object' && v !== null ? ((v as Record<string, unknown>)['#text'] ?? Object.values(v).find((x) => typeof x === 'string')) : v;
      if (typeof text === 'string' && text.trim()) return text.trim();
    }
    const found = unitIn(v);
    if (found) return found;
  }
  return null;
}

export function readNodeSet2(xml: string, options: { site: string | null }): { document: PlantDocument; problems: PlantProblem[] } {
  const document = emptyDocument();
  const problems: PlantProblem[] = [];
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { document, problems: [{ where: `line ${valid.err.line}`, field: null, message: `not well-formed XML: ${valid.err.msg}` }] };
  const root = (parser.parse(xml) as { UANodeSet?: Record<string, UANode[] | undefined> }).UANodeSet;
  if (!root) return { document, problems: [{ where: 'document', field: null, message: 'the root element is not UANodeSet' }] };
  const all = [...(root.UAObjectType ?? []), ...(root.UAObject ?? []), ...(root.UAVariable ?? [])];
  for (const node of all) {
    if (!node['@_NodeId'] || !node['@_BrowseName'])
      problems.push({ where: `element ${node['@_NodeId'] ?? '(no NodeId)'}`, field: null, message: 'a node needs NodeId and BrowseName' });
  }
  if (problems.length > 0) return { document, problems };
  const byId = new Map(all.map((n) => [n['@_NodeId'], n]));
  const refs = (node: UANode) => node.References?.Reference ?? [];
  const parentOf = (node: UANode): string | undefined =>
    node['@_ParentNodeId'] ??
    refs(node)
      .find((r) => r['@_IsForward'] === 'false' && HIERARCHICAL.has(r['@_ReferenceType']))
      ?.['#text'].trim();
  const typeOf = (node: UANode) =>
    refs(node)
      .find((r) => r['@_ReferenceType'] === 'HasTypeDefinition' || r['@_ReferenceType'] === 'i=40')
      ?.['#text'].trim();
  const childrenOf = (id: string) => (root.UAVariable ?? []).filter((v) => parentOf(v) === id);
  const rangeAndUnit = (variable: UANode) => {
    const props = childrenOf(variable['@_NodeId']);
    const range = props.find((p) => browseName(p) === 'EURange');
    const units = props.find((p) => browseName(p) === 'EngineeringUnits');
    return { minValue: numberIn(range?.Value, 'Low'), maxValue: numberIn(range?.Value, 'High'), unit: unitIn(units?.Value) };
  };

  const types = new Map<string, string>();
  for (const t of root.UAObjectType ?? []) {
    const name = textOf(t.DisplayName) || browseName(t);
    types.set(t['@_NodeId'], name);
    document.assetTypes.push({
      where: `UAObjectType ${t['@_NodeId']}`,
      name,
      description: textOf(t.Description) || null,
      opcuaTypeNode: t['@_NodeId'],
      properties: childrenOf(t['@_NodeId'])
        .filter((v) => !['EURange', 'EngineeringUnits'].includes(browseName(v)))
        .map((v) => ({ where: `UAVariable ${v['@_NodeId']}`, name: browseName(v), dataType: dataTypeOf(v['@_DataType']), ...rangeAndUnit(v) })),
    });
  }

  const folders = new Map<string, UANode>();
  for (const o of root.UAObject ?? []) {
    const type = typeOf(o);
    if (!type || STRUCTURE_TYPES.has(type)) folders.set(o['@_NodeId'], o);
    else if (!types.has(type))
      problems.push({ where: `UAObject ${o['@_NodeId']}`, field: 'HasTypeDefinition', message: `its type ${type} is not an object type in the file` });
  }
  const sites = new Map<string, string>();
  const lines = new Map<string, { site: string; code: string }>();
  /** The line folder an asset is in (climbing past parent assets) and that folder's site. */
  const placeOf = (node: UANode): { site: string; line: string } | null => {
    let parent = parentOf(node);
    while (parent && byId.has(parent) && !folders.has(parent)) parent = parentOf(byId.get(parent)!);
    const line = parent ? folders.get(parent) : undefined;
    if (!line) return null;
    const siteFolder = parentOf(line) ? folders.get(parentOf(line)!) : undefined;
    const site = siteFolder ? browseName(siteFolder) : options.site;
    if (!site) return null;
    if (siteFolder && !sites.has(siteFolder['@_NodeId'])) {
      sites.set(siteFolder['@_NodeId'], site);
      document.sites.push({
        where: `UAObject ${siteFolder['@_NodeId']}`,
        code: site,
        name: textOf(siteFolder.DisplayName) || site,
        timezone: null,
        country: null,
      });
    }
    if (!lines.has(line['@_NodeId'])) {
      lines.set(line['@_NodeId'], { site, code: browseName(line) });
      document.lines.push({ where: `UAObject ${line['@_NodeId']}`, site, code: browseName(line), name: textOf(line.DisplayName) || browseName(line) });
    }
    return { site, line: browseName(line) };
  };
  for (const o of root.UAObject ?? []) {
    const type = typeOf(o);
    if (!type || !types.has(type)) continue;
    const where = `UAObject ${o['@_NodeId']}`;
    const place = placeOf(o);
    if (!place) {
      problems.push({ where, field: 'ParentNodeId', message: 'an asset sits in a line folder, itself in a site folder or with the site named on import' });
      continue;
    }
    const parent = parentOf(o);
    const parentNode = parent ? byId.get(parent) : undefined;
    document.assets.push({
      where,
      ...place,
      code: browseName(o),
      name: textOf(o.DisplayName) || browseName(o),
      assetType: types.get(type)!,
      parent: parentNode && !folders.has(parent!) ? browseName(parentNode) : null,
      criticality: null,
    });
    for (const v of childrenOf(o['@_NodeId']).filter((x) => !['EURange', 'EngineeringUnits'].includes(browseName(x)))) {
      const property = document.assetTypes.find((t) => t.name === types.get(type))?.properties.find((p) => p.name === browseName(v));
      const { unit } = rangeAndUnit(v);
      document.signals.push({
        where: `UAVariable ${v['@_NodeId']}`,
        asset: browseName(o),
        name: browseName(v),
        property: property ? property.name : null,
        dataType: dataTypeOf(v['@_DataType']),
        unit: unit ?? property?.unit ?? null,
        sourceProtocol: 'OPC_UA',
        sourceAddress: v['@_NodeId'],
        samplingIntervalMs: null,
      });
    }
  }
  return { document, problems };
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/** The plant as a NodeSet2 of namespace `namespaceUri` (signals from other protocols are left out). */
export function plantNodeSet2(doc: PlantDocument, namespaceUri: string): string {
  let next = 1000;
  const id = () => `ns=1;i=${(next += 1)}`;
  const out: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<UANodeSet xmlns="http://opcfoundation.org/UA/2011/03/UANodeSet.xsd" xmlns:uax="http://opcfoundation.org/UA/2008/02/Types.xsd">',
    `  <NamespaceUris><Uri>${escape(namespaceUri)}</Uri></NamespaceUris>`,
  ];
  const node = (kind: string, nodeId: string, name: string, attributes: string, display: string, references: string[], extra = '') =>
    out.push(
      `  <${kind} NodeId="${escape(nodeId)}" BrowseName="1:${escape(name)}"${attributes}>`,
      `    <DisplayName>${escape(display)}</DisplayName>${extra}`,
      `    <References>${references.map((r) => `\n      ${r}`).join('')}\n    </References>`,
      `  </${kind}>`,
    );
  const ref = (type: string, target: string, forward = true) =>
    `<Reference ReferenceType="${type}"${forward ? '' : ' IsForward="false"'}>${escape(target)}</Reference>`;
  /** A PropertyType variable (EURange, EngineeringUnits) of `owner`, its value an extension object's body. */
  const property = (nodeId: string, name: string, dataType: string, owner: string, body: string) =>
    node(
      'UAVariable',
      nodeId,
      name,
      ` ParentNodeId="${escape(owner)}" DataType="${dataType}"`,
      name,
      [ref('HasTypeDefinition', 'i=68'), ref('HasProperty', owner, false)],
      `\n    <Value><uax:ExtensionObject><uax:Body>${body}</uax:Body></uax:ExtensionObject></Value>`,
    );
  const analog = (
    nodeId: string,
    name: string,
    parent: string,
    dataType: DataType,
    unit: string | null,
    min: number | null,
    max: number | null,
    modelled: boolean,
  ) => {
    const rangeId = min !== null || max !== null ? id() : null;
    const unitId = unit ? id() : null;
    node(
      'UAVariable',
      nodeId,
      name,
      ` ParentNodeId="${escape(parent)}" DataType="${dataType === 'BOOLEAN' ? 'Boolean' : dataType === 'NUMBER' ? 'Double' : 'String'}"`,
      name,
      [
        ref('HasTypeDefinition', dataType === 'NUMBER' ? 'i=2368' : 'i=63'),
        ...(modelled ? [ref('HasModellingRule', 'i=78')] : []),
        ref('HasComponent', parent, false),
        ...(rangeId ? [ref('HasProperty', rangeId)] : []),
        ...(unitId ? [ref('HasProperty', unitId)] : []),
      ],
    );
    if (rangeId) property(rangeId, 'EURange', 'i=884', nodeId, `<uax:Range><uax:Low>${min ?? ''}</uax:Low><uax:High>${max ?? ''}</uax:High></uax:Range>`);
    if (unitId)
      property(
        unitId,
        'EngineeringUnits',
        'i=887',
        nodeId,
        `<uax:EUInformation><uax:DisplayName><uax:Text>${escape(unit!)}</uax:Text></uax:DisplayName></uax:EUInformation>`,
      );
  };
  const typeIds = new Map<string, string>();
  for (const t of doc.assetTypes) {
    const typeId = t.opcuaTypeNode && /^ns=1;[isgb]=/.test(t.opcuaTypeNode) ? t.opcuaTypeNode : id();
    typeIds.set(t.name, typeId);
    const browse = t.name.replace(/[^A-Za-z0-9_.-]+/g, '');
    node(
      'UAObjectType',
      typeId,
      browse || typeId,
      '',
      t.name,
      [ref('HasSubtype', 'i=58', false)],
      t.description ? `\n    <Description>${escape(t.description)}</Description>` : '',
    );
    for (const p of t.properties) analog(id(), p.name, typeId, p.dataType, p.unit, p.minValue, p.maxValue, true);
  }
  const folderIds = new Map<string, string>();
  for (const s of doc.sites) {
    folderIds.set(`site:${s.code}`, id());
    node('UAObject', folderIds.get(`site:${s.code}`)!, s.code, '', s.name, [ref('HasTypeDefinition', 'i=61'), ref('Organizes', 'i=85', false)]);
  }
  for (const l of doc.lines) {
    const siteId = folderIds.get(`site:${l.site}`)!;
    folderIds.set(`line:${l.site}/${l.code}`, id());
    node('UAObject', folderIds.get(`line:${l.site}/${l.code}`)!, l.code, ` ParentNodeId="${escape(siteId)}"`, l.name, [
      ref('HasTypeDefinition', 'i=61'),
      ref('Organizes', siteId, false),
    ]);
  }
  const assetIds = new Map(doc.assets.map((a) => [a.code, id()]));
  for (const a of doc.assets) {
    const parent = a.parent && assetIds.has(a.parent) ? assetIds.get(a.parent)! : folderIds.get(`line:${a.site}/${a.line}`)!;
    node('UAObject', assetIds.get(a.code)!, a.code, ` ParentNodeId="${escape(parent)}"`, a.name, [
      ref('HasTypeDefinition', typeIds.get(a.assetType) ?? 'i=58'),
      ref(a.parent ? 'HasComponent' : 'Organizes', parent, false),
    ]);
    for (const s of doc.signals.filter((x) => x.asset === a.code && x.sourceProtocol === 'OPC_UA')) {
      analog(s.sourceAddress, s.name, assetIds.get(a.code)!, s.dataType ?? 'NUMBER', s.unit, null, null, false);
    }
  }
  out.push('</UANodeSet>', '');
  return out.join('\n');
}
