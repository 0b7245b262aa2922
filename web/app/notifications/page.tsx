// Notifications (administrators): the channels events go to, and the rules that decide which events
// go where and who hears of an insight no one acknowledges. The delivery log is on the operations
// page. One GraphQL request.
import { ActionForm } from '../components/action-form';
import { loadPage } from '../../lib/page-data';
import { channelCommand, ruleCommand } from './actions';
import { ChannelForm, EVENT_KINDS, RuleForm, type Choice } from './forms';

export const dynamic = 'force-dynamic';

interface Channel {
  id: string;
  name: string;
  kind: string;
  target: string;
  secret: string | null;
}
interface Rule {
  id: string;
  name: string;
  eventKinds: string[];
  minSeverity: string;
  useCaseId: string | null;
  assetTypeId: string | null;
  channelId: string;
  escalateAfterMinutes: number | null;
  escalationChannelId: string | null;
  enabled: boolean;
}
interface NotificationsView {
  notificationChannels: { nodes: Channel[] };
  notificationRules: { nodes: Rule[] };
  useCases: { nodes: Choice[] };
  assetTypes: { nodes: Choice[] };
}

const QUERY = `{
  notificationChannels(first: 100) { nodes { id name kind target secret } }
  notificationRules(first: 100) { nodes { id name eventKinds minSeverity useCaseId assetTypeId channelId escalateAfterMinutes escalationChannelId enabled } }
  useCases(first: 100) { nodes { id name } }
  assetTypes(first: 100) { nodes { id name } }
}`;

const KIND: Record<string, string> = { WEBHOOK: 'Signed webhook', EMAIL: 'E-mail', SLACK: 'Slack', TEAMS: 'Teams' };

export default async function NotificationsPage() {
  const { data, error } = await loadPage<NotificationsView>(QUERY);
  if (!data) {
    return (
      <>
        <h1>Notifications</h1>
        <p className="error" role="alert">
          {/lacks access:admin/.test(error) ? 'Only administrators manage notifications.' : error}
        </p>
      </>
    );
  }
  const channels = data.notificationChannels.nodes;
  const nameOf = (list: Choice[], id: string | null) => (id ? (list.find((x) => x.id === id)?.name ?? id) : 'any');
  return (
    <>
      <h1>Notifications</h1>
      <p className="lede">Which events reach which people and systems; every change here is in the audit trail.</p>
      <section className="panel" aria-label="Channels">
        <h2>Channels</h2>
        {channels.length === 0 ? (
          <p className="muted">No channels yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Channel</th>
                <th scope="col">Kind</th>
                <th scope="col">Sends to</th>
                <th scope="col">Signing secret</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {channels.map((c) => (
                <tr key={c.id} data-testid="channel">
                  <td>{c.name}</td>
                  <td>{KIND[c.kind] ?? c.kind}</td>
                  <td className="small">{c.target}</td>
                  <td className="small">{c.secret ? <code>{c.secret}</code> : '—'}</td>
                  <td>
                    <ActionForm
                      action={channelCommand}
                      hidden={{ id: c.id }}
                      buttons={[
                        { value: 'test', label: 'Send test', ariaLabel: `Send a test through ${c.name}` },
                        { value: 'delete', label: 'Delete', ariaLabel: `Delete ${c.name}`, secondary: true },
                      ]}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <ChannelForm />
      </section>
      <section className="panel" aria-label="Rules">
        <h2>Rules</h2>
        {data.notificationRules.nodes.length === 0 ? (
          <p className="muted">No rules yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Events</th>
                <th scope="col">Scope</th>
                <th scope="col">To</th>
                <th scope="col">Escalation</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {data.notificationRules.nodes.map((r) => (
                <tr key={r.id} data-testid="rule">
                  <td>
                    {r.name} {r.enabled ? null : <span className="tag">paused</span>}
                  </td>
                  <td className="small">{r.eventKinds.map((k) => EVENT_KINDS[k] ?? k).join(', ')}</td>
                  <td className="small">
                    {r.minSeverity} or worse; use case {nameOf(data.useCases.nodes, r.useCaseId)}; asset type {nameOf(data.assetTypes.nodes, r.assetTypeId)}
                  </td>
                  <td>{nameOf(channels, r.channelId)}</td>
                  <td className="small">
                    {r.escalateAfterMinutes === null ? '—' : `after ${r.escalateAfterMinutes} min to ${nameOf(channels, r.escalationChannelId)}`}
                  </td>
                  <td>
                    <ActionForm
                      action={ruleCommand}
                      hidden={{ id: r.id }}
                      buttons={[
                        r.enabled
                          ? { value: 'disable', label: 'Pause', ariaLabel: `Pause ${r.name}`, secondary: true }
                          : { value: 'enable', label: 'Enable', ariaLabel: `Enable ${r.name}` },
                        { value: 'delete', label: 'Delete', ariaLabel: `Delete ${r.name}`, secondary: true },
                      ]}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {channels.length === 0 ? (
          <p className="muted">Add a channel first.</p>
        ) : (
          <RuleForm channels={channels} useCases={data.useCases.nodes} assetTypes={data.assetTypes.nodes} />
        )}
      </section>
    </>
  );
}
