// The asset's calculated signals with their expressions; engineers add one or change an
// expression, and the API refuses an unknown signal, a unit mismatch or a cycle with its reason.
import { FieldsForm } from '../components/fields-form';
import { saveCalculatedSignal } from './actions';
import type { AssetDetail } from './view';

const EXAMPLES = 'sum(line.power), energy / good_parts, rolling_mean(spindle_load, 15m), max(a, b)';

export function CalculatedSignals({ asset, mayEdit }: { asset: AssetDetail; mayEdit: boolean }) {
  const calculated = asset.signals.filter((s) => s.sourceProtocol === 'CALCULATED');
  return (
    <>
      {calculated.length === 0 ? (
        <p className="muted">No calculated signals on this asset.</p>
      ) : (
        <table data-testid="calculated-signals">
          <thead>
            <tr>
              <th scope="col">Signal</th>
              <th scope="col">Expression</th>
              <th scope="col">Unit</th>
              <th scope="col">Hold</th>
            </tr>
          </thead>
          <tbody>
            {calculated.map((s) => (
              <tr key={s.id} data-signal={s.name}>
                <th scope="row">{s.name}</th>
                <td>
                  <code>{s.expression}</code>
                  {mayEdit ? (
                    <FieldsForm
                      action={saveCalculatedSignal}
                      label={`Change the expression of ${s.name}`}
                      hidden={{ signalId: s.id }}
                      fields={[{ name: 'expression', label: 'Expression', required: true, defaultValue: s.expression ?? '' }]}
                      submit="Save"
                    />
                  ) : null}
                </td>
                <td>{s.unit ?? '—'}</td>
                <td>{s.holdSeconds} s</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {mayEdit ? (
        <FieldsForm
          action={saveCalculatedSignal}
          label="Add a calculated signal"
          hidden={{ assetId: asset.id }}
          fields={[
            { name: 'name', label: 'Name', required: true, maxLength: 120 },
            { name: 'expression', label: 'Expression', required: true, placeholder: EXAMPLES },
            { name: 'unit', label: 'Unit (from the expression when empty)', maxLength: 40 },
            { name: 'holdSeconds', label: 'Hold (s)', type: 'number', placeholder: '300' },
          ]}
          submit="Add calculated signal"
        />
      ) : null}
    </>
  );
}
