// A loopback port no one listens on right now, for the servers the chaos suite and tests start.
// Taken below the kernel's ephemeral range: asking for port 0 hands out an ephemeral port, and an
// outgoing connection (any test's database client) may take that very port as its local end before
// the server started on it binds, which then fails to start.
import { readFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';

const LOWEST = 10_000;

/** Where the kernel's ephemeral ports start (Linux; 32768 elsewhere), read once. */
const EPHEMERAL_START = ((): number => {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    return Number(low) > LOWEST + 1_000 ? Number(low) : 32_768;
  } catch {
    return 32_768;
  }
})();

const canListen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer()
      .once('error', () => resolve(false))
      .listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = randomInt(LOWEST, EPHEMERAL_START);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free loopback port between ${LOWEST} and ${EPHEMERAL_START}`);
}
