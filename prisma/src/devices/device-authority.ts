// Each organisation's own certificate authority for its devices (ECDSA P-256): made on first use,
// its private key sealed (AES-256-GCM under a key derived from the installation's device CA
// secret) before it is stored. It signs devices' client certificates from their certificate
// signing requests (the private key never leaves the device), the broker's server certificate,
// and the list of revoked certificates the broker loads.
import { createCipheriv, createDecipheriv, createHash, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { Refusal } from '../refusal.ts';
import { row, rows, type RawSql } from '../sql.ts';

x509.cryptoProvider.set(webcrypto as never);
type CryptoKey = webcrypto.CryptoKey;
type KeyPair = { publicKey: CryptoKey; privateKey: CryptoKey };
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

export interface DeviceAuthority {
  certificate: x509.X509Certificate;
  privateKey: CryptoKey;
}

const sealKey = (secret: string) => createHash('sha256').update(`threadline-device-ca\n${secret}`).digest();

function seal(secret: string, plain: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(secret), iv);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64')).join('.');
}

function unseal(secret: string, sealed: string): Buffer {
  const [iv, tag, body] = sealed.split('.').map((p) => Buffer.from(p, 'base64'));
  const decipher = createDecipheriv('aes-256-gcm', sealKey(secret), iv!);
  decipher.setAuthTag(tag!);
  return Buffer.concat([decipher.update(body!), decipher.final()]);
}

const serial = () =>
  randomBytes(16)
    .toString('hex')
    .replace(/^[89a-f]/, '7');

/** The organisation's authority, made (and stored sealed) the first time it is asked for. */
export async function deviceAuthority(db: RawSql, organizationId: string, secret: string, now: Date): Promise<DeviceAuthority> {
  const stored = await row<{ certificate: string; sealed: string }>(
    db,
    'SELECT certificate, sealed_private_key AS sealed FROM device_authorities WHERE organization_id = $1',
    organizationId,
  );
  if (stored) {
    let pkcs8: Buffer;
    try {
      pkcs8 = unseal(secret, stored.sealed);
    } catch {
      throw new Refusal("The device authority's key cannot be unsealed with this installation's secret.", 'organizationId', 'CONFLICT');
    }
    const privateKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, ALGORITHM, false, ['sign']);
    return { certificate: new x509.X509Certificate(stored.certificate), privateKey };
  }
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as KeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=Threadline device CA ${organizationId}`,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 10 * 365 * DAY_MS),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  await db.$executeRawUnsafe(
    'INSERT INTO device_authorities (organization_id, certificate, sealed_private_key) VALUES ($1, $2, $3) ON CONFLICT (organization_id) DO NOTHING',
    organizationId,
    certificate.toString('pem'),
    seal(secret, pkcs8),
  );
  // Another request may have made it first: what is stored wins.
  return deviceAuthority(db, organizationId, secret, now);
}

/** A client certificate for `commonName` from the device's own request (its signature checked), valid a year. */
export async function issueClientCertificate(
  authority: DeviceAuthority,
  csrPem: string,
  commonName: string,
  now: Date,
): Promise<{ pem: string; serial: string }> {
  let request: x509.Pkcs10CertificateRequest;
  try {
    request = new x509.Pkcs10CertificateRequest(csrPem);
  } catch {
    throw new Refusal('The certificate signing request is not a PEM PKCS#10 request.', 'csr');
  }
  if (!(await request.verify())) throw new Refusal("The certificate signing request's signature does not verify.", 'csr');
  const serialNumber = serial();
  const certificate = await signedBy(authority, serialNumber, `CN=${commonName}`, request.publicKey, now, [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth], false),
  ]);
  return { pem: certificate.toString('pem'), serial: serialNumber };
}

/** The broker's server certificate and key for its TLS listener, for the host names and addresses given. */
export async function issueServerCertificate(
  authority: DeviceAuthority,
  hosts: readonly string[],
  now: Date,
): Promise<{ certificate: string; privateKey: string }> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as KeyPair;
  const certificate = await signedBy(authority, serial(), `CN=${hosts[0] ?? 'broker'}`, keys.publicKey, now, [
    new x509.SubjectAlternativeNameExtension(hosts.map((h) => (/^[\d.]+$/.test(h) ? { type: 'ip' as const, value: h } : { type: 'dns' as const, value: h }))),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
  ]);
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return {
    certificate: certificate.toString('pem'),
    privateKey: `-----BEGIN PRIVATE KEY-----\n${pkcs8
      .toString('base64')
      .replace(/(.{64})/g, '$1\n')
      .trim()}\n-----END PRIVATE KEY-----\n`,
  };
}

/** A certificate for `publicKey` signed by the authority, valid a year. */
function signedBy(
  authority: DeviceAuthority,
  serialNumber: string,
  subject: string,
  publicKey: x509.PublicKey | CryptoKey,
  now: Date,
  extensions: x509.Extension[],
): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.create({
    serialNumber,
    subject,
    issuer: authority.certificate.subject,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 365 * DAY_MS),
    signingKey: authority.privateKey,
    publicKey,
    signingAlgorithm: ALGORITHM,
    extensions,
  });
}

/** The authority's list of revoked device certificates (PEM), valid a week: what the broker loads as its crlfile. */
export async function revocationList(db: RawSql, organizationId: string, authority: DeviceAuthority, now: Date): Promise<string> {
  const revoked = await rows<{ serial: string; revokedAt: Date }>(
    db,
    'SELECT certificate_serial AS serial, revoked_at AS "revokedAt" FROM device_identities WHERE organization_id = $1 AND status = \'REVOKED\' AND certificate_serial IS NOT NULL',
    organizationId,
  );
  const crl = await x509.X509CrlGenerator.create({
    issuer: authority.certificate.subject,
    thisUpdate: now,
    nextUpdate: new Date(now.getTime() + 7 * DAY_MS),
    entries: revoked.map((r) => ({ serialNumber: r.serial, revocationDate: r.revokedAt })),
    signingKey: authority.privateKey,
    signingAlgorithm: ALGORITHM,
  });
  return crl.toString('pem');
}
