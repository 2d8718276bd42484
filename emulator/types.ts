/** Options for {@link startEmulator}. Every field is optional. */
export interface EmulatorOptions {
  /** Address every listener binds to. Default "127.0.0.1". Only loopback addresses are accepted. */
  host?: string;
  /** Port of the token endpoint and control listener. 0 or undefined picks a free port. */
  authorityPort?: number;
  /** Vaults to serve, each on its own listener. Default `[{ name: "dev" }]`. */
  vaults?: VaultOptions[];
  /**
   * Principals allowed to request tokens. Default: the development principal
   * (`DEV_TENANT_ID`, `DEV_CLIENT_ID`, `DEV_CLIENT_SECRET`) with "officer" on every vault.
   */
  principals?: PrincipalOptions[];
  /**
   * JSON file that stores secrets, versions and deleted secrets. It is loaded at start and
   * rewritten after every change (temporary file, then rename). Parent folders are created.
   * Default: no persistence.
   */
  dataFile?: string;
  /** Lifetime of issued access tokens in seconds. Default 3600. */
  tokenLifetimeSeconds?: number;
  /**
   * Serve HTTPS instead of HTTP on every listener. `cert` and `key` are PEM text or paths to
   * PEM files.
   */
  tls?: { cert: string; key: string };
}

/** One emulated vault. */
export interface VaultOptions {
  /** Vault name, used in `vaultUrl(name)`, request records, fault rules and role assignments. */
  name: string;
  /** Listener port. 0 or undefined picks a free port. The vault URL has no path. */
  port?: number;
  /** Soft delete: DELETE keeps the secret as a deleted secret. Default true. */
  softDelete?: boolean;
  /** Purge protection: purge returns 403. Default false. */
  purgeProtection?: boolean;
  /**
   * Retention of deleted secrets in days, shown as `recoverableDays`. Below 90 the recovery
   * level starts with "Customized". Default 90.
   */
  retentionDays?: number;
  /** Time in milliseconds a DELETE stays in progress. Default 250. */
  deleteDelayMs?: number;
  /** Time in milliseconds a recover stays in progress. Default 250. */
  recoverDelayMs?: number;
  /** Time in milliseconds a purge stays in progress. Default 100. */
  purgeDelayMs?: number;
}

/**
 * Data-plane role of a principal on a vault: "officer" is Key Vault Secrets Officer (every
 * secret operation), "user" is Key Vault Secrets User (read values and list), "none" is no role.
 */
export type Role = "officer" | "user" | "none";

/** A service principal that can request tokens with the client credentials grant. */
export interface PrincipalOptions {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Role per vault name. Vaults not named here give the role "officer". */
  roles?: Record<string, Role>;
}

/** Secret attributes as the Key Vault REST API sends them; dates are seconds since the epoch. */
export interface SecretAttributes {
  enabled?: boolean;
  nbf?: number;
  exp?: number;
  created?: number;
  updated?: number;
  recoveryLevel?: string;
  recoverableDays?: number;
}

/** A secret bundle in the wire format of the Key Vault REST API. */
export interface SecretBundle {
  value?: string;
  id: string;
  contentType?: string;
  tags?: Record<string, string>;
  attributes: SecretAttributes;
  managed?: boolean;
  kid?: string;
}

/** A deleted secret bundle in the wire format of the Key Vault REST API. */
export interface DeletedSecretBundle extends SecretBundle {
  recoveryId?: string;
  deletedDate?: number;
  scheduledPurgeDate?: number;
}

/** Secret properties accepted by the out-of-band methods of {@link Emulator}. */
export interface SecretPropertiesInput {
  contentType?: string;
  tags?: Record<string, string>;
  enabled?: boolean;
  notBefore?: Date;
  expiresOn?: Date;
}

/** One request seen by a listener. */
export interface RequestRecord {
  /** Vault name, or "login" for the token endpoint. */
  vault: string;
  method: string;
  /** Route template such as "PUT /secrets/{name}", or "unknown". */
  route: string;
  /** Request path with its query string. */
  path: string;
  /** Response status, or 0 when a fault dropped the connection. */
  status: number;
  /** Value of the `x-ms-request-id` response header (for token requests: the trace id). */
  requestId: string;
  /** Time the request arrived. */
  at: Date;
}

/** Filter for {@link Emulator.count}. Fields left out match everything. */
export interface RequestFilter {
  vault?: string;
  method?: string;
  route?: string | RegExp;
  status?: number;
}

/**
 * A fault to inject. The first rule that matches a request applies; its `times` counts down
 * and the rule is removed at zero.
 */
export interface FaultRule {
  /** Vault name, or "login" for the token endpoint. */
  vault?: string;
  method?: string;
  /**
   * A string equals the route template ("GET /secrets/{name}") or the raw path, with or without
   * its query string; a RegExp is tested against both.
   */
  route?: string | RegExp;
  /** Number of requests the rule applies to. Default Infinity. */
  times?: number;
  /** Send this error status instead of serving the request. */
  status?: number;
  /** Error code in the body. Default: the usual code for the status (429 "Throttled"). */
  code?: string;
  /** Inner error code in the body. */
  innerCode?: string;
  /** Retry-After header value: seconds ("2") or an HTTP date. */
  retryAfter?: string;
  /** Latency in milliseconds added before the response. */
  delayMs?: number;
  /** Destroy the socket without a response, as a connection reset. */
  drop?: boolean;
}

/** A running emulator. */
export interface Emulator {
  /** Base URL of the token endpoint, e.g. "http://127.0.0.1:41234". */
  readonly authorityHost: string;
  /** URL of a vault with a trailing slash and no path, e.g. "http://127.0.0.1:41235/". */
  vaultUrl(name: string): string;

  /** Returns a copy of the request log in arrival order. */
  requests(): RequestRecord[];
  /** Counts logged requests that match the filter. */
  count(filter?: RequestFilter): number;
  resetRequests(): void;

  /** Stores a new version, bypassing auth and faults. Throws if the name is deleted. */
  setSecret(
    vault: string,
    name: string,
    value: string,
    props?: SecretPropertiesInput,
  ): SecretBundle;
  /** Returns the latest version with its value, or undefined if missing or deleted. */
  getSecret(vault: string, name: string): SecretBundle | undefined;
  /** Updates the latest version. Throws if the secret does not exist. */
  updateSecretProperties(vault: string, name: string, props: SecretPropertiesInput): void;
  /** Deletes at once, without the delete delay. With `purge`, removes the secret for good. */
  deleteSecret(vault: string, name: string, opts?: { purge?: boolean }): void;
  /** Returns every version with its value, oldest first. */
  listVersions(vault: string, name: string): SecretBundle[];

  /** Assigns a role; it takes effect after `afterMs`, and until then the previous role applies. */
  setRole(clientId: string, vault: string, role: Role, opts?: { afterMs?: number }): void;

  addFault(rule: FaultRule): void;
  clearFaults(): void;
  /** Makes every token issued so far expired, so the next vault call gets 401. */
  expireTokens(): void;
  /** Every access token issued so far, so tests can check that none reached a log or state. */
  issuedTokens(): string[];
  close(): Promise<void>;
}
