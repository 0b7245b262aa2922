// The chaos suite's view of an API process over loopback HTTP: waiting until it serves, signing
// in, and GraphQL calls that tell an answer from no answer (a killed or restarting process).
import { freePort } from '../test/free-port.ts';
import { sleep } from './outcome.ts';
import { ServiceProcess } from './service-process.ts';

export interface Answer<T> {
  /** HTTP status, or 0 when no answer came (connection refused or reset). */
  status: number;
  body: T | null;
}

export class ApiClient {
  private constructor(readonly base: string) {}

  /** An API process on a free port with `env`, not started yet, and its client. */
  static async process(env: Record<string, string>): Promise<{ api: ServiceProcess; client: ApiClient }> {
    const port = await freePort();
    // Chaos drives one key hard on purpose; the rate limit is tested elsewhere.
    const api = new ServiceProcess('api', { API_PORT: String(port), API_KEY_RATE_PER_SECOND: '1000000', API_KEY_BURST: '1000000', ...env });
    return { api, client: new ApiClient(`http://127.0.0.1:${port}`) };
  }

  /** Resolves once /health answers 200; throws after `timeoutMs`. */
  async ready(timeoutMs = 60_000): Promise<number> {
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      if ((await this.request('GET', '/health')).status === 200) return Date.now() - started;
      await sleep(100);
    }
    throw new Error(`the API at ${this.base} did not become ready in ${timeoutMs} ms`);
  }

  async request<T = Record<string, unknown>>(
    method: 'GET' | 'POST',
    path: string,
    body?: string,
    token?: string,
  ): Promise<Answer<T> & { retryAfter: number | null }> {
    try {
      const res = await fetch(`${this.base}${path}`, {
        method,
        ...(body === undefined ? {} : { body }),
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      const retryAfter = res.headers.get('retry-after');
      return { status: res.status, body: text ? (JSON.parse(text) as T) : null, retryAfter: retryAfter ? Number(retryAfter) : null };
    } catch {
      return { status: 0, body: null, retryAfter: null };
    }
  }

  gql<T = Record<string, unknown>>(query: string, variables: Record<string, unknown>, token?: string) {
    return this.request<{ data?: T | null; errors?: { message: string; extensions?: { code?: string } }[] }>(
      'POST',
      '/graphql',
      JSON.stringify({ query, variables }),
      token,
    );
  }

  async login(email: string): Promise<string> {
    const res = await this.gql<{ login: { token: string } }>('mutation($i: LoginInput!) { login(input: $i) { token } }', {
      i: { email, password: 'threadline-demo' },
    });
    const token = res.body?.data?.login.token;
    if (!token) throw new Error(`login of ${email} failed: ${JSON.stringify(res.body)}`);
    return token;
  }
}
