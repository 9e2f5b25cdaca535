// Registry authentication: anonymous, basic, and the bearer-token flow of the distribution spec (a 401 with
// `WWW-Authenticate: Bearer realm=…,service=…,scope=…` → GET the realm with those → `{ token }`).
import * as authHeader from 'auth-header';
import { bodySnippet, send } from './http';

export interface RegistryCredentials {
  username?: string;
  password?: string;
  /** A token used as is (`Authorization: Bearer …`), e.g. a GitHub token for ghcr.io. */
  token?: string;
}

export class AuthError extends Error {}

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

function parseChallenge(header: string | string[] | undefined): Challenge | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const parsed = authHeader.parse(value);
  const params: Record<string, string> = {};
  for (const [key, raw] of Object.entries(parsed.params ?? {})) {
    params[key.toLowerCase()] = Array.isArray(raw) ? raw.join(',') : String(raw);
  }
  return { scheme: parsed.scheme.toLowerCase(), params };
}

/**
 * Holds the Authorization header for one repository. `authorize` answers a 401 challenge once; the caller repeats
 * the request with `header()`.
 */
export class Authenticator {
  private current: string | undefined;

  constructor(
    private readonly credentials: RegistryCredentials,
    private readonly registry: string,
  ) {
    if (credentials.token) this.current = `Bearer ${credentials.token}`;
  }

  header(): Record<string, string> {
    return this.current ? { authorization: this.current } : {};
  }

  private basic(): string | undefined {
    const { username, password } = this.credentials;
    if (username === undefined || password === undefined) return undefined;
    return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }

  /** Handles a 401's challenge; throws an AuthError a user can act on when it cannot be answered. */
  async authorize(wwwAuthenticate: string | string[] | undefined, scope: string): Promise<void> {
    const challenge = parseChallenge(wwwAuthenticate);
    const who = this.who();
    if (!challenge) throw new AuthError(`${this.registry} refused access ${who} and named no way to log in`);
    if (challenge.scheme === 'basic') {
      const basic = this.basic();
      if (!basic || this.current === basic) throw this.refused();
      this.current = basic;
      return;
    }
    if (challenge.scheme !== 'bearer') {
      throw new AuthError(
        `${this.registry} asks for "${challenge.scheme}" authentication, which Runlog does not speak`,
      );
    }
    const realm = challenge.params.realm;
    if (!realm) throw new AuthError(`${this.registry}'s bearer challenge names no token endpoint (realm)`);
    const url = new URL(realm);
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    url.searchParams.set('scope', challenge.params.scope ?? scope);
    const basic = this.basic();
    const response = await send({
      method: 'GET',
      url: url.toString(),
      headers: basic ? { authorization: basic } : {},
    });
    if (response.status === 401 || response.status === 403) throw this.refused();
    if (response.status !== 200) {
      throw new AuthError(
        `the token endpoint of ${this.registry} (${url.host}) answered HTTP ${response.status}: ${bodySnippet(response)}`,
      );
    }
    let token: unknown;
    try {
      const body = JSON.parse(response.body.toString('utf8')) as { token?: unknown; access_token?: unknown };
      token = body.token ?? body.access_token;
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string' || !token) {
      throw new AuthError(`the token endpoint of ${this.registry} returned no token`);
    }
    const next = `Bearer ${token}`;
    if (next === this.current) throw this.refused();
    this.current = next;
  }

  private who(): string {
    return this.credentials.username ? `as "${this.credentials.username}"` : 'without credentials';
  }

  refused(): AuthError {
    return new AuthError(
      `${this.registry} refused access ${this.who()}. ` +
        'Set them with "Runlog: Set Registry Credentials…" (or RUNLOG_REGISTRY_USERNAME/RUNLOG_REGISTRY_PASSWORD in the CLI).',
    );
  }
}
