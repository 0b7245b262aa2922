// Outgoing notifications go only to the public internet unless the operator allows a network: a
// webhook URL naming (or resolving to) a loopback, private, link-local, carrier-grade NAT, multicast
// or reserved address is refused, at creation and again at each delivery, when the name is resolved
// and the connection pinned to the checked address (so a name cannot be re-pointed in between). The
// operator's NOTIFICATION_ALLOWED_NETWORKS (CIDRs) opens chosen networks, for receivers on site.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const BLOCKED_V4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
];
const BLOCKED_V6 = ['::/128', '::1/128', 'fc00::/7', 'fe80::/10', 'ff00::/8', '64:ff9b::/96', '2001:db8::/32'];

const blocked = new BlockList();
for (const cidr of BLOCKED_V4) blocked.addSubnet(cidr.split('/')[0]!, Number(cidr.split('/')[1]), 'ipv4');
for (const cidr of BLOCKED_V6) blocked.addSubnet(cidr.split('/')[0]!, Number(cidr.split('/')[1]), 'ipv6');

export class DestinationRefused extends Error {}

/** Parses `cidr,cidr` (a bare address is its own /32 or /128); throws naming the bad entry. */
export function allowedNetworks(text: string): BlockList {
  const list = new BlockList();
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [address = '', bits] = entry.split('/');
    const family = isIP(address);
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
    if (!family || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32)) {
      throw new Error(`"${entry}" is not an address or CIDR network`);
    }
    list.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return list;
}

/** An IPv4-mapped IPv6 address as its IPv4 address. */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1]!, family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

export function isPublicAddress(address: string, allowed: BlockList): boolean {
  const { address: plain, family } = unmapped(address);
  return allowed.check(plain, family) || !blocked.check(plain, family);
}

/** Why a URL may not be sent to, before any name is resolved; null when its form is fine. */
export function urlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http or https URL';
  if (url.username || url.password) return 'must not carry a user name or password';
  return null;
}

/**
 * The address to connect to for the URL's host: its first resolved address, when every address the
 * name resolves to is public or allowed; DestinationRefused otherwise.
 */
export async function checkedAddress(url: URL, allowed: BlockList): Promise<{ address: string; family: 4 | 6 }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const resolved = isIP(host) ? [{ address: host, family: isIP(host) as 4 | 6 }] : await lookup(host, { all: true, verbatim: true }).catch(() => []);
  if (resolved.length === 0) throw new DestinationRefused(`${host} does not resolve`);
  const refused = resolved.find((r) => !isPublicAddress(r.address, allowed));
  if (refused) {
    throw new DestinationRefused(
      `${host} ${refused.address === host ? 'is' : `resolves to ${refused.address}, which is`} a loopback, private, link-local or reserved address; an operator may allow its network with NOTIFICATION_ALLOWED_NETWORKS`,
    );
  }
  const first = resolved[0]!;
  return { address: first.address, family: first.family as 4 | 6 };
}
