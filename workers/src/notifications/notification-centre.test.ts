// The notification centre end to end (issue 24, item 2): an administrator sets up channels and rules
// through the API; the real workers process, on its own database and queue prefix, sends what
// happens to a webhook receiver (signed), an SMTP server (started here), and Slack and Teams
// receivers; an insight left unacknowledged escalates to the next contact and an acknowledged one
// does not; a failing receiver is retried with backoff; a broken audit chain is told; and the
// delivery log shows it all. Bad input: webhooks to loopback, link-local and private addresses,
// malformed targets and rules, and a viewer are refused.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER, webhookSignatureValid } from '@threadline/db/notifications/signature';
import { watchAuditChains } from '@threadline/db/audit/chain-watch';
import { systemClock } from '@threadline/db/clock';
import { startApi, type ApiHarness } from '../../../scripts/test/api-harness.ts';
import { freePort } from '../../../scripts/test/free-port.ts';
import { waitForValue } from '../../../scripts/test/wait-for.ts';
import { dropQueuePrefix } from '../../../scripts/test/redis-prefix.ts';
import { spawnWorkersProcess, type WorkersProcess } from '../../../scripts/test/worker-process.ts';
import { recipients, startReceiver, startSmtp } from '../../../scripts/test/notification-receivers.ts';
import { raiseInsightAsInference } from '../../../scripts/test/insight-fixture.ts';

describe('notification centre', () => {
  let api: ApiHarness;
  let admin: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let workers: WorkersProcess;
  let owner: pg.Client;
  const prefix = `notify_${randomBytes(4).toString('hex')}`;
  const channels: Record<string, { id: string; secret: string | null }> = {};
  let assets: Record<string, { id: string; organizationId: string }>;

  const gql = async <T = any>(query: string, variables?: Record<string, unknown>, token = admin): Promise<T> => {
    const res = await api.gql<T>(query, variables, token);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!;
  };

  beforeAll(async () => {
    receiver = await startReceiver();
    smtp = await startSmtp(await freePort());
    api = await startApi({ NOTIFICATION_ALLOWED_NETWORKS: '127.0.0.1/32' });
    admin = await api.login('admin@northwind.example');
    owner = new pg.Client({ connectionString: api.database.url });
    await owner.connect();
    workers = spawnWorkersProcess({
      databaseUrl: api.database.url,
      queuePrefix: prefix,
      env: {
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        SMTP_FROM: 'Threadline <alerts@northwind.example>',
        NOTIFICATION_ALLOWED_NETWORKS: '127.0.0.1/32',
        NOTIFICATION_ESCALATION_EVERY_SECONDS: '1',
        PORTAL_URL: 'https://threadline.northwind.example',
        // The process's own start-up passes (KPIs over the seeded history) kept small: this test is about notifications.
        VALUE_LOOKBACK_DAYS: '1',
        WORKER_CONCURRENCY: '1',
      },
    });
    const found = await api.services.db.prisma.asset.findMany({ where: { code: { in: ['LEJ-L1-CNC01', 'LEJ-L1-CNC02', 'LEJ-L1-CNC03'] } } });
    assets = Object.fromEntries(found.map((a) => [a.code, { id: a.id, organizationId: a.organizationId }]));

    const base = `http://127.0.0.1:${receiver.port}`;
    const create = async (name: string, kind: string, target: string) => {
      const data = await gql('mutation($i: NotificationChannelInput!) { createNotificationChannel(input: $i) { id secret } }', { i: { name, kind, target } });
      channels[name] = data.createNotificationChannel;
    };
    await create('maintenance webhook', 'WEBHOOK', `${base}/hook`);
    await create('maintenance inbox', 'EMAIL', 'maintenance@northwind.example, planner@northwind.example');
    await create('shift lead', 'EMAIL', 'shift.lead@northwind.example');
    await create('ops slack', 'SLACK', `${base}/slack`);
    await create('ops teams', 'TEAMS', `${base}/teams`);
    await create('flaky receiver', 'WEBHOOK', `${base}/flaky`);
    const rule = (input: Record<string, unknown>) => gql('mutation($i: NotificationRuleInput!) { createNotificationRule(input: $i) { id } }', { i: input });
    const cncType = (await api.services.db.prisma.assetType.findFirstOrThrow({ where: { name: 'CNC machining centre' } })).id;
    await rule({
      name: 'CNC warnings',
      eventKinds: ['insight.raised'],
      minSeverity: 'WARNING',
      assetTypeId: cncType,
      channelId: channels['maintenance webhook']!.id,
      escalateAfterMinutes: 0.05,
      escalationChannelId: channels['shift lead']!.id,
    });
    await rule({ name: 'Maintenance mail', eventKinds: ['insight.raised', 'promotion.requested'], channelId: channels['maintenance inbox']!.id });
    await rule({ name: 'Slack', eventKinds: ['insight.raised'], minSeverity: 'CRITICAL', channelId: channels['ops slack']!.id });
    await rule({ name: 'Teams', eventKinds: ['insight.raised'], minSeverity: 'CRITICAL', channelId: channels['ops teams']!.id });
    await rule({ name: 'Audit trail', eventKinds: ['audit.chain_broken'], channelId: channels['maintenance webhook']!.id });
  });

  afterAll(async () => {
    workers?.kill();
    await owner?.end();
    await api?.close();
    receiver?.server.close();
    await new Promise<void>((resolve) => (smtp ? smtp.server.close(() => resolve()) : resolve()));
    await dropQueuePrefix(prefix);
  });

  const raise = (code: string, score: number) => raiseInsightAsInference(api.services.db.pool, assets[code]!, code, score);
  const hooks = (path: string) => receiver.received.filter((r) => r.path === path);
  const deliveriesOf = async (subjectId: string) =>
    (
      await gql<{ notificationDeliveries: { nodes: { channelName: string; eventKind: string; status: string; attempts: number }[] } }>(
        `{ notificationDeliveries(first: 100) { nodes { channelName eventKind status attempts subjectId } } }`,
      )
    ).notificationDeliveries.nodes.filter((d) => (d as { subjectId?: string }).subjectId === subjectId);

  it('sends a raised insight to a signed webhook, an SMTP inbox, Slack and Teams, then escalates it while it stays unacknowledged', async () => {
    const insightId = await raise('LEJ-L1-CNC01', 0.97);
    const title = 'Spindle failure risk 0.97 on LEJ-L1-CNC01';

    const [hook] = await waitForValue(
      'the webhook',
      () => hooks('/hook').filter((r) => r.body.includes(insightId)),
      (r) => r.length > 0,
      { timeoutMs: 60_000 },
    );
    const body = JSON.parse(hook!.body);
    expect(body).toMatchObject({ type: 'insight.raised', severity: 'CRITICAL', title, subject: { type: 'insight', id: insightId } });
    expect(body.link).toBe(`https://threadline.northwind.example/assets?asset=${assets['LEJ-L1-CNC01']!.id}`);
    expect(hook!.headers['threadline-event']).toBe('insight.raised');
    const signature = String(hook!.headers[SIGNATURE_HEADER]);
    expect(webhookSignatureValid(channels['maintenance webhook']!.secret!, hook!.body, signature, Math.floor(Date.now() / 1000))).toBe(true);
    expect(webhookSignatureValid('whsec_someone-else', hook!.body, signature, Math.floor(Date.now() / 1000))).toBe(false);
    expect(
      webhookSignatureValid(channels['maintenance webhook']!.secret!, hook!.body.replace('CRITICAL', 'INFO'), signature, Math.floor(Date.now() / 1000)),
    ).toBe(false);

    const mail = await waitForValue(
      'the maintenance e-mail',
      () => smtp.inbox.find((m) => m.subject?.includes(title) && recipients(m).includes('maintenance@northwind.example')),
      Boolean,
      { timeoutMs: 60_000 },
    );
    expect(mail!.subject).toBe(`[Threadline] [CRITICAL] ${title}`);
    expect(recipients(mail!)).toEqual(['maintenance@northwind.example', 'planner@northwind.example']);
    expect(mail!.text).toContain('https://threadline.northwind.example/assets?asset=');

    const [slack] = await waitForValue(
      'the Slack message',
      () => hooks('/slack').filter((r) => r.body.includes(title)),
      (r) => r.length > 0,
      { timeoutMs: 60_000 },
    );
    expect(JSON.parse(slack!.body).blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    const [teams] = await waitForValue(
      'the Teams message',
      () => hooks('/teams').filter((r) => r.body.includes(title)),
      (r) => r.length > 0,
      { timeoutMs: 60_000 },
    );
    expect(JSON.parse(teams!.body).attachments[0]).toMatchObject({ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard' } });

    // Three seconds unacknowledged: the shift lead hears of it.
    const escalation = await waitForValue(
      'the escalation e-mail',
      () => smtp.inbox.find((m) => recipients(m).includes('shift.lead@northwind.example') && m.subject?.includes(title)),
      Boolean,
      {
        timeoutMs: 60_000,
      },
    );
    expect(escalation!.subject).toMatch(/Unacknowledged for \d+ min/);
    const log = await waitForValue(
      'five deliveries',
      () => deliveriesOf(insightId),
      (d) => d.filter((x) => x.status === 'DELIVERED').length === 5,
      { timeoutMs: 30_000 },
    );
    expect(log.map((d) => `${d.channelName}:${d.eventKind}`).sort()).toEqual([
      'maintenance inbox:insight.raised',
      'maintenance webhook:insight.raised',
      'ops slack:insight.raised',
      'ops teams:insight.raised',
      'shift lead:insight.escalated',
    ]);
  });

  it('does not escalate an insight someone acknowledged, and sends a WARNING only where the rules allow', async () => {
    const acknowledged = await raise('LEJ-L1-CNC02', 0.6);
    await waitForValue(
      'the webhook',
      () => hooks('/hook').filter((r) => r.body.includes(acknowledged)),
      (r) => r.length > 0,
      { timeoutMs: 60_000 },
    );
    await gql('mutation($id: ID!) { acknowledgeInsight(id: $id) { id } }', { id: acknowledged });
    // A later unacknowledged insight escalating shows the sweep has run past the first one's due time.
    const later = await raise('LEJ-L1-CNC03', 0.6);
    await waitForValue(
      'the later escalation',
      () => deliveriesOf(later),
      (d) => d.some((x) => x.eventKind === 'insight.escalated' && x.status === 'DELIVERED'),
      { timeoutMs: 60_000 },
    );
    const first = await deliveriesOf(acknowledged);
    expect(first.map((d) => d.eventKind).sort()).toEqual(['insight.raised', 'insight.raised']);
    // A WARNING does not reach the CRITICAL-only Slack and Teams rules.
    expect(first.map((d) => d.channelName).sort()).toEqual(['maintenance inbox', 'maintenance webhook']);
  });

  it('retries a failing receiver with backoff until it takes the delivery, each attempt in the log', async () => {
    const { sendTestNotification: sent } = await gql('mutation($c: ID!) { sendTestNotification(channelId: $c) { id status } }', {
      c: channels['flaky receiver']!.id,
    });
    // The answer reads the delivery as it stands: on a busy machine the sender may have tried (and been refused) once already.
    expect(['PENDING', 'RETRYING']).toContain(sent.status);
    const delivery = await waitForValue(
      'the flaky delivery',
      async () =>
        (await gql('query($id: ID!) { notificationDelivery(id: $id) { status attempts responseStatus lastError } }', { id: sent.id })).notificationDelivery,
      (d) => d.status === 'DELIVERED',
      { timeoutMs: 60_000 },
    );
    expect(delivery).toMatchObject({ status: 'DELIVERED', attempts: 3, responseStatus: 204, lastError: null });
    expect(hooks('/flaky')).toHaveLength(3);
    expect(await gql('mutation($id: ID!) { retryNotificationDelivery(id: $id) { id } }', { id: sent.id }).catch((e: Error) => e.message)).toMatch(/CONFLICT/);
  });

  it('tells the audit-trail rule when the chain is broken, once', async () => {
    const [event] = (await owner.query(`SELECT id, seq FROM audit_events WHERE type = 'notification_rule.created' ORDER BY seq LIMIT 1`)).rows;
    await owner.query('BEGIN');
    await owner.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
    await owner.query(`UPDATE audit_events SET payload = jsonb_set(payload, '{name}', '"tampered"') WHERE id = $1`, [event.id]);
    await owner.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
    await owner.query('COMMIT');
    await watchAuditChains(api.services.db.pool, api.services.auditKeys.trusted, systemClock);
    await watchAuditChains(api.services.db.pool, api.services.auditKeys.trusted, systemClock);
    const told = await waitForValue(
      'the chain-broken webhook',
      () => hooks('/hook').filter((r) => r.body.includes('audit.chain_broken')),
      (r) => r.length > 0,
      { timeoutMs: 60_000 },
    );
    const body = JSON.parse(told[0]!.body);
    expect(body).toMatchObject({ type: 'audit.chain_broken', severity: 'CRITICAL', facts: { seq: String(event.seq), reason: 'HASH_MISMATCH' } });
    const { rows } = await owner.query(`SELECT count(*)::int AS n FROM notification_deliveries WHERE event_kind = 'audit.chain_broken'`);
    expect(rows[0].n).toBe(1);
  });

  it('refuses webhooks to loopback, link-local and private addresses unless the operator allows the network, and bad targets and rules', async () => {
    const strict = await startApi({ NOTIFICATION_ALLOWED_NETWORKS: '' }, api.database);
    try {
      const token = await strict.login('admin@northwind.example');
      const attempt = async (kind: string, target: string) => {
        const res = await strict.gql(
          'mutation($i: NotificationChannelInput!) { createNotificationChannel(input: $i) { id } }',
          { i: { name: `x ${target}`, kind, target } },
          token,
        );
        return { code: res.errors?.[0]?.extensions?.code, message: res.errors?.[0]?.message ?? '' };
      };
      for (const target of [
        'http://127.0.0.1:8080/hook',
        'http://localhost/hook',
        'http://169.254.169.254/latest/meta-data',
        'http://10.1.2.3/x',
        'http://[::1]/x',
        'http://[::ffff:192.168.1.1]/x',
      ]) {
        const refused = await attempt('WEBHOOK', target);
        expect([target, refused.code]).toEqual([target, 'BAD_USER_INPUT']);
        expect(refused.message).toMatch(/loopback, private, link-local or reserved/);
      }
      expect((await attempt('SLACK', 'ftp://hooks.example.com/x')).message).toMatch(/http or https/);
      expect((await attempt('TEAMS', 'https://user:pw@hooks.example.com/x')).message).toMatch(/user name or password/);
      expect((await attempt('EMAIL', 'maintenance@northwind.example, not-an-address')).message).toMatch(/"not-an-address" is not an e-mail address/);
      const rule = async (input: Record<string, unknown>) =>
        (
          await strict.gql(
            'mutation($i: NotificationRuleInput!) { createNotificationRule(input: $i) { id } }',
            { i: { name: 'r', channelId: channels['shift lead']!.id, ...input } },
            token,
          )
        ).errors?.[0];
      expect((await rule({ eventKinds: ['insight.exploded'] }))?.extensions?.code).toBe('BAD_USER_INPUT');
      expect((await rule({ eventKinds: ['drift.detected'], escalateAfterMinutes: 5, escalationChannelId: channels['shift lead']!.id }))?.message).toMatch(
        /insight.raised/,
      );
      expect((await rule({ eventKinds: ['insight.raised'], escalateAfterMinutes: 5 }))?.extensions?.code).toBe('BAD_USER_INPUT');
      const viewer = await strict.login('viewer@northwind.example');
      const forbidden = await strict.gql(
        'mutation { createNotificationChannel(input: { name: "v", kind: EMAIL, target: "v@northwind.example" }) { id } }',
        {},
        viewer,
      );
      expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    } finally {
      await strict.close();
    }
    // The signing secret is never written to the audit trail.
    const { rows } = await owner.query(`SELECT payload FROM audit_events WHERE type = 'notification_channel.created'`);
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain('whsec_');
  });
});
