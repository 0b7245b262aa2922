// Zero-trust device identities against a Mosquitto started by the test with TLS, required client
// certificates and access control (dynamic security): a device claims its identity once with a
// request made from its own key, connects with its certificate and credentials, publishes under
// its own topics and is refused under another device's; revocation closes its connection at once
// and it cannot connect again; its certificate joins the revocation list.
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, httpRequest, type ApiHarness } from '../../../../scripts/test/api-harness.ts';
import { freePort } from '../../../../scripts/test/free-port.ts';
import { SecuredMosquitto } from '../../../../scripts/test/secured-mosquitto.ts';
import { waitFor } from '../../../../scripts/test/wait-for.ts';

x509.cryptoProvider.set(webcrypto as never);
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** What a device does on its own: a key pair that never leaves it, and a signing request. */
async function deviceKeys(name: string) {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as { publicKey: webcrypto.CryptoKey; privateKey: webcrypto.CryptoKey };
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: `CN=${name}`, keys: keys as never, signingAlgorithm: ALGORITHM });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  return { csr: csr.toString('pem'), keyPem: `-----BEGIN PRIVATE KEY-----\n${pkcs8.replace(/(.{64})/g, '$1\n').trim()}\n-----END PRIVATE KEY-----\n` };
}

describe('device identities on a secured broker', () => {
  let api: ApiHarness;
  let broker: SecuredMosquitto;
  let admin: string;
  let observer: MqttClient;
  const seen: string[] = [];
  const devices: Record<string, { id: string; token: string }> = {};

  const create = async (name: string, topic: string) => {
    const res = await api.gql(
      'mutation($i: DeviceIdentityInput!) { createDeviceIdentity(input: $i) { claimToken identity { id status } } }',
      { i: { name, topics: [topic] } },
      admin,
    );
    expect(res.errors).toBeUndefined();
    devices[name] = { id: res.data!.createDeviceIdentity.identity.id, token: res.data!.createDeviceIdentity.claimToken };
  };
  const claim = (token: string, csr: string) =>
    httpRequest(api, { method: 'POST', url: '/devices/claim', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ token, csr }) });
  const connect = (claimed: { certificate: string; caCertificate: string; password: string }, keyPem: string, name: string, password = claimed.password) =>
    mqtt.connectAsync(broker.tlsUrl, {
      ca: claimed.caCertificate,
      cert: claimed.certificate,
      key: keyPem,
      username: name,
      password,
      protocolVersion: 5,
      reconnectPeriod: 0,
      connectTimeout: 5_000,
    });

  beforeAll(async () => {
    const adminPort = await freePort();
    api = await startApi({
      MQTT_ADMIN_URL: `mqtt://127.0.0.1:${adminPort}`,
      MQTT_ADMIN_USERNAME: 'admin',
      MQTT_ADMIN_PASSWORD: SecuredMosquitto.ADMIN_PASSWORD,
    });
    admin = await api.login('admin@northwind.example');
    const ca = await api.gql('{ deviceAuthority { certificate } }', {}, admin);
    const server = await api.gql('mutation { issueBrokerCertificate(hosts: ["127.0.0.1", "localhost"]) { certificate privateKey } }', {}, admin);
    broker = await SecuredMosquitto.start({ caCertificate: ca.data!.deviceAuthority.certificate, ...server.data!.issueBrokerCertificate }, adminPort);
    observer = await mqtt.connectAsync(broker.adminUrl, { username: 'admin', password: SecuredMosquitto.ADMIN_PASSWORD });
    observer.on('message', (topic, payload) => seen.push(`${topic} ${payload.toString()}`));
    await observer.subscribeAsync('threadline/#', { qos: 1 });
    await create('lej-gw-07', 'threadline/lej/LEJ-L1-CNC01/#');
    await create('lej-gw-08', 'threadline/lej/LEJ-L1-CNC02/#');
  }, 60_000);

  afterAll(async () => {
    await observer?.endAsync();
    await broker?.stop();
    await api?.close();
  });

  it('lets a claimed device publish under its own topics only, once its certificate and credentials check out', async () => {
    const keys = await deviceKeys('lej-gw-07');
    const res = await claim(devices['lej-gw-07']!.token, keys.csr);
    expect(res.status).toBe(200);
    const claimed = res.json() as { name: string; certificate: string; caCertificate: string; password: string; topics: string[] };
    expect(claimed).toMatchObject({ name: 'lej-gw-07', topics: ['threadline/lej/LEJ-L1-CNC01/#'] });
    expect(new x509.X509Certificate(claimed.certificate).subject).toBe('CN=lej-gw-07');

    const device = await connect(claimed, keys.keyPem, 'lej-gw-07');
    try {
      await device.publishAsync('threadline/lej/LEJ-L1-CNC01/power', '17.5', { qos: 1 });
      // Under another device's topic the broker answers "not authorised" and delivers nothing.
      await expect(device.publishAsync('threadline/lej/LEJ-L1-CNC02/power', '99', { qos: 1 })).rejects.toThrow();
      await device.publishAsync('threadline/lej/LEJ-L1-CNC01/power', '17.6', { qos: 1 });
      await waitFor('the observer to see the last reading', () => seen.includes('threadline/lej/LEJ-L1-CNC01/power 17.6'));
      expect(seen.filter((s) => s.startsWith('threadline/lej/LEJ-L1-CNC02'))).toEqual([]);
    } finally {
      await device.endAsync();
    }
    // The same certificate without the right password, and the password without a certificate, are refused.
    await expect(connect(claimed, keys.keyPem, 'lej-gw-07', 'not-the-password')).rejects.toThrow();
    await expect(
      mqtt.connectAsync(broker.tlsUrl, {
        ca: claimed.caCertificate,
        username: 'lej-gw-07',
        password: claimed.password,
        reconnectPeriod: 0,
        connectTimeout: 5_000,
      }),
    ).rejects.toThrow();
    // The token is spent.
    const again = await claim(devices['lej-gw-07']!.token, keys.csr);
    expect(again.status).toBe(404);
    expect(again.json().error.code).toBe('NOT_FOUND');
  });

  it('refuses a malformed request, and keeps the token good when it does', async () => {
    const bad = await claim(devices['lej-gw-08']!.token, `-----BEGIN CERTIFICATE REQUEST-----\n${'A'.repeat(120)}\n-----END CERTIFICATE REQUEST-----\n`);
    expect(bad.status).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'csr' } });
    const keys = await deviceKeys('lej-gw-08');
    expect((await claim(devices['lej-gw-08']!.token, keys.csr)).status).toBe(200);
    const listed = await api.gql('{ deviceIdentities { name status } }', {}, admin);
    expect(listed.data!.deviceIdentities).toEqual(
      expect.arrayContaining([
        { name: 'lej-gw-07', status: 'ACTIVE' },
        { name: 'lej-gw-08', status: 'ACTIVE' },
      ]),
    );
  });

  it('closes a revoked device at once, refuses it after, and lists its certificate as revoked', async () => {
    await create('lej-gw-09', 'threadline/lej/LEJ-L1-CNC03/#');
    const keys = await deviceKeys('lej-gw-09');
    const claimed = (await claim(devices['lej-gw-09']!.token, keys.csr)).json() as { certificate: string; caCertificate: string; password: string };
    const device = await connect(claimed, keys.keyPem, 'lej-gw-09');
    let closed = false;
    device.on('close', () => (closed = true));
    const revoked = await api.gql(
      'mutation($id: ID!) { revokeDeviceIdentity(id: $id) { status revokedAt certificateSerial } }',
      { id: devices['lej-gw-09']!.id },
      admin,
    );
    expect(revoked.data!.revokeDeviceIdentity.status).toBe('REVOKED');
    await waitFor('the broker to close the revoked device', () => closed, { timeoutMs: 10_000 });
    await device.endAsync(true);
    await expect(connect(claimed, keys.keyPem, 'lej-gw-09')).rejects.toThrow();
    const authority = await api.gql('{ deviceAuthority { revocationList } }', {}, admin);
    const crl = new x509.X509Crl(authority.data!.deviceAuthority.revocationList);
    expect(crl.entries.map((e) => e.serialNumber)).toContain(revoked.data!.revokeDeviceIdentity.certificateSerial);
    const audit = await api.gql(
      'query($id: ID!) { auditEvents(first: 5, order: DESC, filter: { subjectId: $id }) { nodes { type payload } } }',
      { id: devices['lej-gw-09']!.id },
      admin,
    );
    expect(audit.data!.auditEvents.nodes.map((n: { payload: { status?: string } }) => n.payload.status ?? 'created')).toEqual(['REVOKED', 'ACTIVE', 'created']);
  });
});
