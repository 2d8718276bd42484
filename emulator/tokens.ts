import { randomBytes } from "node:crypto";

/** Principal, tenant, audience and expiry of an issued access token. */
export interface IssuedToken {
  clientId: string;
  tenantId: string;
  /** Audience the token was requested for, e.g. "https://vault.azure.net". */
  audience: string;
  expiresAtMs: number;
}

export type TokenCheck =
  | { status: "valid"; token: IssuedToken }
  | { status: "unknown" }
  | { status: "expired"; token: IssuedToken };

/** Opaque bearer tokens: random strings mapped to the principal they were issued to. */
export class TokenRegistry {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(private readonly lifetimeSeconds: number) {}

  issue(clientId: string, tenantId: string, audience: string, nowMs = Date.now()): string {
    const token = randomBytes(32).toString("base64url");
    const expiresAtMs = nowMs + this.lifetimeSeconds * 1000;
    this.tokens.set(token, { clientId, tenantId, audience, expiresAtMs });
    return token;
  }

  get lifetime(): number {
    return this.lifetimeSeconds;
  }

  check(token: string, nowMs = Date.now()): TokenCheck {
    const issued = this.tokens.get(token);
    if (issued === undefined) {
      return { status: "unknown" };
    }
    if (nowMs >= issued.expiresAtMs) {
      return { status: "expired", token: issued };
    }
    return { status: "valid", token: issued };
  }

  /** Returns every token issued so far, expired ones included. */
  issued(): string[] {
    return [...this.tokens.keys()];
  }

  /** Makes every token issued so far expired. Tokens issued later are not affected. */
  expireAll(nowMs = Date.now()): void {
    for (const issued of this.tokens.values()) {
      issued.expiresAtMs = Math.min(issued.expiresAtMs, nowMs);
    }
  }
}
