// Importing the plant in bulk (people with plant:write): a CSV, OPC UA NodeSet2 or DTDL v3 file is
// checked first (what it would create, update or leave, and its problems by row or element), then
// imported; and the plant's exports in the same formats.
import { ImportForm } from './import-form';

export default function PlantImportPage() {
  return (
    <>
      <h1>Import the plant</h1>
      <p className="lede">
        Sites, lines, asset types with their properties and ranges, assets and signals from a file. Importing the same file again changes nothing; every record
        written is in the audit trail.
      </p>
      <ImportForm />
      <section className="panel" aria-label="Export">
        <h2>Export</h2>
        <p>
          The whole plant as <a href="/assets/import/export?format=csv">CSV</a>, <a href="/assets/import/export?format=nodeset2">OPC UA NodeSet2</a> or{' '}
          <a href="/assets/import/export?format=dtdl">DTDL v3</a> (asset types); each imports back unchanged.
        </p>
      </section>
    </>
  );
}
