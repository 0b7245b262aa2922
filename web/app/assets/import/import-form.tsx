'use client';
// The plant import: choose a file and its format, check it (a dry run, listed first), then import
// it. The form is submitted by hand so that the chosen file stays chosen between the two steps.
import { useActionState, useRef, startTransition } from 'react';
import { checkOrImport, type ImportState } from './actions';

const ACTION: Record<string, string> = { create: 'tag pass', update: 'tag warn', unchanged: 'muted' };

export function ImportForm() {
  const [state, dispatch, pending] = useActionState<ImportState, FormData>(checkOrImport, { error: null, result: null, dryRun: true });
  const form = useRef<HTMLFormElement>(null);
  const submit = (mode: 'check' | 'apply') => {
    const data = new FormData(form.current!);
    data.set('mode', mode);
    startTransition(() => dispatch(data));
  };
  const result = state.result;
  const changed = result ? result.changes.filter((c) => c.action !== 'unchanged') : [];
  return (
    <>
      <form ref={form} className="filters" aria-label="Import the plant" onSubmit={(e) => e.preventDefault()}>
        <label>
          Format
          <select name="format" defaultValue="NODESET2">
            <option value="NODESET2">OPC UA NodeSet2 (XML)</option>
            <option value="CSV">CSV</option>
            <option value="DTDL">DTDL v3 (JSON, asset types)</option>
          </select>
        </label>
        <label>
          Site (NodeSet2 without a site folder) <input name="site" maxLength={40} />
        </label>
        <label>
          File <input name="file" type="file" accept=".xml,.csv,.json" required />
        </label>
        <button type="button" disabled={pending} onClick={() => submit('check')}>
          Check (dry run)
        </button>
        <button type="button" disabled={pending || !result || result.applied || result.problems.length > 0 || !state.dryRun} onClick={() => submit('apply')}>
          Import
        </button>
      </form>
      {state.error ? (
        <p className="error" role="alert">
          {state.error}
        </p>
      ) : null}
      {result ? (
        <section className="panel" aria-label={result.applied ? 'Imported' : 'Dry run'}>
          <h2>{result.applied ? 'Imported' : result.problems.length > 0 ? 'Not importable' : 'Dry run: nothing written yet'}</h2>
          <p role="status">
            {result.counts.create} to create, {result.counts.update} to update, {result.counts.unchanged} unchanged
            {result.applied ? ': written and audited.' : '.'}
          </p>
          {result.problems.length > 0 ? (
            <table>
              <caption className="muted small">Fix these in the file; nothing is written while any remains.</caption>
              <thead>
                <tr>
                  <th scope="col">Where</th>
                  <th scope="col">Field</th>
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {result.problems.map((p, i) => (
                  <tr key={i} data-testid="problem">
                    <td>{p.where}</td>
                    <td>{p.field ?? '—'}</td>
                    <td>{p.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {changed.length > 0 ? (
            <table>
              <thead>
                <tr>
                  <th scope="col">Change</th>
                  <th scope="col">What</th>
                  <th scope="col">Where in the file</th>
                  <th scope="col">Fields</th>
                </tr>
              </thead>
              <tbody>
                {changed.slice(0, 500).map((c) => (
                  <tr key={`${c.entity}:${c.key}`} data-testid="change">
                    <td>
                      <span className={ACTION[c.action] ?? 'tag'}>{c.action}</span>
                    </td>
                    <td>
                      {c.entity.replace('_', ' ')} <strong>{c.key}</strong>
                    </td>
                    <td className="small">{c.where}</td>
                    <td className="small">
                      {Object.entries(c.fields)
                        .map(([f, [before, after]]) => `${f}: ${String(before)} → ${String(after)}`)
                        .join('; ')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </section>
      ) : null}
    </>
  );
}
