import { BundleContext } from "./bundles";
import { KeyVaultError, badParameter, faultError } from "./errors";
import { BodyTooLargeError, Exchange } from "./exchange";
import { PrincipalRegistry } from "./principals";
import { forbiddenByRbac, isAllowed } from "./rbac";
import { ROUTES, RouteTemplate, matchVaultRoute } from "./routes";
import { runOperation } from "./secretOperations";
import { LifecycleSettings, SecretStore } from "./secretStore";
import { TokenRegistry } from "./tokens";
import { FaultRule, VaultOptions } from "./types";
import { authenticate, challengeHeader } from "./vaultAuth";

/** Value of `x-ms-keyvault-service-version`; the real service sends its build number there. */
const SERVICE_VERSION = "1.9.0.0-emulator";

/** Accepts "7.4", "7.6-preview.1", "2025-07-01" and "2026-04-01-preview"-shaped versions. */
const API_VERSION_PATTERN = /^(\d+\.\d+|\d{4}-\d{2}-\d{2})(-preview(\.\d+)?)?$/;

export const VAULT_DEFAULTS = {
  softDelete: true,
  purgeProtection: false,
  retentionDays: 90,
  deleteDelayMs: 250,
  recoverDelayMs: 250,
  purgeDelayMs: 100,
} as const;

export function lifecycleSettings(options: VaultOptions): LifecycleSettings {
  return {
    vaultName: options.name,
    softDelete: options.softDelete ?? VAULT_DEFAULTS.softDelete,
    purgeProtection: options.purgeProtection ?? VAULT_DEFAULTS.purgeProtection,
    retentionDays: options.retentionDays ?? VAULT_DEFAULTS.retentionDays,
    deleteDelayMs: options.deleteDelayMs ?? VAULT_DEFAULTS.deleteDelayMs,
    recoverDelayMs: options.recoverDelayMs ?? VAULT_DEFAULTS.recoverDelayMs,
    purgeDelayMs: options.purgeDelayMs ?? VAULT_DEFAULTS.purgeDelayMs,
  };
}

/** Shared parts of the emulator that every vault uses. */
export interface VaultDependencies {
  tokens: TokenRegistry;
  principals: PrincipalRegistry;
  /** Tenant whose tokens the vaults accept and whose authority the challenge names. */
  tenantId: string;
  authorityHost: () => string;
  onChange: () => void;
}

/** One emulated vault: its secrets and the handling of its data-plane requests. */
export class VaultService {
  readonly settings: LifecycleSettings;
  readonly store: SecretStore;
  baseUrl = "";

  constructor(
    readonly name: string,
    options: VaultOptions,
    private readonly deps: VaultDependencies,
  ) {
    this.settings = lifecycleSettings(options);
    this.store = new SecretStore(this.settings, deps.onChange);
  }

  get context(): BundleContext {
    return { ...this.settings, baseUrl: this.baseUrl };
  }

  /** Sets the route template of a request; every vault request is logged. */
  resolveRoute(exchange: Exchange): boolean {
    exchange.route = matchVaultRoute(exchange.method, exchange.url.pathname).route;
    return true;
  }

  async handle(exchange: Exchange): Promise<void> {
    try {
      await this.serve(exchange);
    } catch (error) {
      this.sendFailure(exchange, error);
    }
  }

  sendFault(exchange: Exchange, rule: FaultRule & { status: number }): void {
    const error = faultError(rule.status, rule.code, rule.innerCode);
    const headers: Record<string, string> =
      rule.retryAfter === undefined ? {} : { "Retry-After": rule.retryAfter };
    this.sendError(exchange, error, headers);
  }

  sendFailure(exchange: Exchange, error: unknown): void {
    if (error instanceof KeyVaultError) {
      this.sendError(exchange, error);
    } else if (error instanceof BodyTooLargeError) {
      this.sendError(exchange, new KeyVaultError(413, "RequestEntityTooLarge", error.message));
    } else {
      const message = error instanceof Error ? error.message : String(error);
      const failure = `The emulator failed to serve the request: ${message}`;
      this.sendError(exchange, new KeyVaultError(500, "InternalServerError", failure));
    }
  }

  private async serve(exchange: Exchange): Promise<void> {
    const matched = matchVaultRoute(exchange.method, exchange.url.pathname);
    // Authentication comes first, so a request without a token gets the 401 challenge even
    // when it also lacks api-version or names an unknown path.
    const token = authenticate(
      exchange.header("authorization"),
      this.deps.tokens,
      this.deps.tenantId,
    );
    const apiVersion = exchange.url.searchParams.get("api-version");
    if (apiVersion === null || apiVersion === "") {
      throw badParameter("The request is missing the required query parameter 'api-version'.");
    }
    if (!API_VERSION_PATTERN.test(apiVersion)) {
      throw badParameter(`The specified version (${apiVersion}) is not recognized.`);
    }
    if (matched.route === ROUTES.unknown) {
      throw new KeyVaultError(
        404,
        "NotFound",
        `${exchange.method} ${exchange.url.pathname} is not an operation of the secrets API.`,
      );
    }
    this.authorize(token.clientId, matched.route as RouteTemplate, matched.name);
    const result = await runOperation(matched.route as RouteTemplate, {
      store: this.store,
      context: this.context,
      name: matched.name,
      version: matched.version,
      pathname: exchange.url.pathname.replace(/\/+$/, "") || "/",
      query: exchange.url.searchParams,
      apiVersion,
      readBody: () => exchange.readBody(),
    });
    exchange.send(result?.status ?? 404, result?.body, this.headers(exchange));
  }

  private authorize(clientId: string, route: RouteTemplate, secretName: string): void {
    const role = this.deps.principals.roleOf(clientId, this.name);
    if (isAllowed(role, route)) {
      return;
    }
    const principal = this.deps.principals.find(clientId)!;
    throw forbiddenByRbac(principal, this.name, route, secretName);
  }

  private headers(exchange: Exchange): Record<string, string> {
    const headers: Record<string, string> = {
      "x-ms-request-id": exchange.requestId,
      "x-ms-keyvault-service-version": SERVICE_VERSION,
      "x-ms-keyvault-region": "local",
    };
    const clientRequestId = exchange.header("x-ms-client-request-id");
    if (clientRequestId !== undefined) {
      headers["x-ms-client-request-id"] = clientRequestId;
    }
    return headers;
  }

  private sendError(
    exchange: Exchange,
    error: KeyVaultError,
    extra: Record<string, string> = {},
  ): void {
    const headers = { ...this.headers(exchange), ...extra };
    if (error.status === 401) {
      headers["WWW-Authenticate"] = challengeHeader(this.deps.authorityHost(), this.deps.tenantId);
    }
    exchange.send(error.status, error.toBody(), headers);
  }
}
