import { isIP } from "node:net";
import { TokenEndpoint, authorityRoute, sendAadError } from "./authority";
import { CONTROL_PREFIX, ControlApi } from "./control";
import { EmulatorParts, KeyVaultEmulator } from "./emulator";
import { Exchange } from "./exchange";
import { FaultList } from "./faults";
import { PendingDelays, RunningListener, startListener } from "./listener";
import { DataFileContents, emptyData, readDataFile, writeDataFile } from "./persistence";
import { PrincipalRegistry, defaultPrincipals } from "./principals";
import { RequestLog } from "./requestLog";
import { TokenRegistry } from "./tokens";
import { Emulator, EmulatorOptions, FaultRule, VaultOptions } from "./types";
import { VaultService } from "./vaultService";

export { DEV_CLIENT_ID, DEV_CLIENT_SECRET, DEV_TENANT_ID } from "./principals";
export type {
  DeletedSecretBundle,
  Emulator,
  EmulatorOptions,
  FaultRule,
  PrincipalOptions,
  RequestFilter,
  RequestRecord,
  Role,
  SecretAttributes,
  SecretBundle,
  SecretPropertiesInput,
  VaultOptions,
} from "./types";

const DEFAULT_HOST = "127.0.0.1";
const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;

/** Throws unless the host is a loopback address: 127.0.0.0/8 or ::1. */
function validateLoopback(host: string): void {
  const loopback =
    (isIP(host) === 4 && host.startsWith("127.")) || (isIP(host) === 6 && host === "::1");
  if (!loopback) {
    throw new Error(
      `The emulator listens on loopback addresses only (127.0.0.0/8 or ::1); got '${host}'.`,
    );
  }
}

function urlHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

function validateVaults(vaults: VaultOptions[]): void {
  const seen = new Set<string>();
  for (const vault of vaults) {
    if (!vault.name || vault.name === "login") {
      throw new Error(`Invalid vault name '${vault.name}': it must be non-empty and not "login".`);
    }
    if (seen.has(vault.name)) {
      throw new Error(`The vault name '${vault.name}' is configured twice.`);
    }
    seen.add(vault.name);
  }
}

/** Writes every vault's secrets, keeping vaults of the file that this run does not serve. */
function persister(path: string, loaded: DataFileContents, vaults: Map<string, VaultService>) {
  return (): void => {
    const contents: DataFileContents = { formatVersion: 1, vaults: { ...loaded.vaults } };
    for (const [name, vault] of vaults) {
      contents.vaults[name] = { secrets: vault.store.snapshot() };
    }
    writeDataFile(path, contents);
  };
}

/**
 * Starts a local Key Vault emulator: one listener for the token endpoint and control API, and
 * one listener per vault, all on loopback.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? DEFAULT_HOST;
  validateLoopback(host);
  const vaultOptions = options.vaults ?? [{ name: "dev" }];
  validateVaults(vaultOptions);
  const principalOptions = options.principals ?? defaultPrincipals();
  if (principalOptions.length === 0) {
    throw new Error("The emulator needs at least one principal.");
  }

  const principals = new PrincipalRegistry(principalOptions);
  const tokens = new TokenRegistry(options.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS);
  const tenantId = principalOptions[0].tenantId;
  const loaded = options.dataFile ? readDataFile(options.dataFile) : emptyData();
  const vaults = new Map<string, VaultService>();
  const persist = options.dataFile ? persister(options.dataFile, loaded, vaults) : () => undefined;
  let authorityHost = "";
  for (const vault of vaultOptions) {
    const deps = {
      tokens,
      principals,
      tenantId,
      authorityHost: () => authorityHost,
      onChange: persist,
    };
    const service = new VaultService(vault.name, vault, deps);
    service.store.load(loaded.vaults[vault.name]?.secrets ?? []);
    vaults.set(vault.name, service);
  }

  const parts: EmulatorParts = {
    vaults,
    principals,
    tokens,
    log: new RequestLog(),
    faults: new FaultList(),
    delays: new PendingDelays(),
    listeners: [],
    authorityHost: "",
  };
  const emulator = new KeyVaultEmulator(parts);
  try {
    const authority = await startAuthority(parts, options, host, emulator, tenantId);
    authorityHost = `${authority.scheme}://${urlHost(host)}:${authority.port}`;
    parts.authorityHost = authorityHost;
    for (const vault of vaultOptions) {
      await startVault(parts, vaults.get(vault.name)!, options, host, vault.port ?? 0);
    }
  } catch (error) {
    await emulator.close();
    throw error;
  }
  return emulator;
}

async function startAuthority(
  parts: EmulatorParts,
  options: EmulatorOptions,
  host: string,
  emulator: KeyVaultEmulator,
  tenantId: string,
): Promise<RunningListener> {
  const endpoint = new TokenEndpoint(parts.principals, parts.tokens, () => parts.authorityHost);
  const control = new ControlApi(emulator, tenantId);
  const isControl = (exchange: Exchange) => exchange.url.pathname.startsWith(CONTROL_PREFIX);
  const listener = await startListener({
    label: "login",
    host,
    port: options.authorityPort ?? 0,
    tls: options.tls,
    log: parts.log,
    faults: parts.faults,
    delays: parts.delays,
    resolveRoute: (exchange) => {
      exchange.route = authorityRoute(exchange.method, exchange.url.pathname);
      return !isControl(exchange);
    },
    sendFault: (exchange, rule) => sendAuthorityFault(exchange, parts.authorityHost, rule),
    handle: (exchange) =>
      isControl(exchange) ? control.handle(exchange) : endpoint.handle(exchange),
    sendFailure: (exchange, error) =>
      sendAadError(exchange, parts.authorityHost, {
        status: 500,
        error: "server_error",
        code: 50000,
        description: `The emulator failed to issue a token: ${(error as Error).message}`,
      }),
  });
  parts.listeners.push(listener);
  return listener;
}

function sendAuthorityFault(
  exchange: Exchange,
  authorityHost: string,
  rule: FaultRule & { status: number },
): void {
  const error = rule.code ?? (rule.status === 429 ? "temporarily_unavailable" : "server_error");
  const headers: Record<string, string> =
    rule.retryAfter === undefined ? {} : { "Retry-After": rule.retryAfter };
  sendAadError(
    exchange,
    authorityHost,
    { status: rule.status, error, code: 50000, description: `Injected fault: ${error}.` },
    headers,
  );
}

async function startVault(
  parts: EmulatorParts,
  service: VaultService,
  options: EmulatorOptions,
  host: string,
  port: number,
): Promise<void> {
  const listener = await startListener({
    label: service.name,
    host,
    port,
    tls: options.tls,
    log: parts.log,
    faults: parts.faults,
    delays: parts.delays,
    resolveRoute: (exchange) => service.resolveRoute(exchange),
    sendFault: (exchange, rule) => service.sendFault(exchange, rule),
    handle: (exchange) => service.handle(exchange),
    sendFailure: (exchange, error) => service.sendFailure(exchange, error),
  });
  parts.listeners.push(listener);
  service.baseUrl = `${listener.scheme}://${urlHost(host)}:${listener.port}`;
}
