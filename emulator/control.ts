import { KeyVaultEmulator } from "./emulator";
import { KeyVaultError } from "./errors";
import { Exchange } from "./exchange";
import { FaultRule, Role, SecretPropertiesInput } from "./types";
import { parseJsonObject } from "./validation";

/** Path prefix of the control API on the authority listener. */
export const CONTROL_PREFIX = "/_emulator/";

/**
 * The control API: the out-of-band methods of the emulator over HTTP, for tests and scripts
 * that run the emulator in another process. It listens on loopback only, needs no token, is
 * not logged in `requests()` and is not affected by faults.
 *
 *   GET    /_emulator/health                         vault URLs, authority host, tenant
 *   GET    /_emulator/requests                       request log
 *   DELETE /_emulator/requests                       reset the log
 *   POST   /_emulator/faults                         add a FaultRule; `routePattern` is a regex
 *   DELETE /_emulator/faults                         clear fault rules
 *   POST   /_emulator/roles                          {clientId, vault, role, afterMs}
 *   POST   /_emulator/tokens/expire                  expire every issued token
 *   PUT    /_emulator/vaults/{vault}/secrets/{name}  {value, contentType, tags, enabled,
 *                                                     notBefore, expiresOn} (ISO dates)
 *   GET    /_emulator/vaults/{vault}/secrets/{name}  latest version with value
 *   PATCH  /_emulator/vaults/{vault}/secrets/{name}  update the latest version
 *   DELETE /_emulator/vaults/{vault}/secrets/{name}  delete at once; ?purge=true removes it
 *   GET    /_emulator/vaults/{vault}/secrets/{name}/versions
 */
export class ControlApi {
  constructor(
    private readonly emulator: KeyVaultEmulator,
    private readonly tenantId: string,
  ) {}

  async handle(exchange: Exchange): Promise<void> {
    try {
      await this.route(exchange);
    } catch (error) {
      if (error instanceof KeyVaultError) {
        exchange.send(error.status, error.toBody());
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      exchange.send(400, { error: { code: "BadRequest", message } });
    }
  }

  private async route(exchange: Exchange): Promise<void> {
    const path = exchange.url.pathname.slice(CONTROL_PREFIX.length).replace(/\/+$/, "");
    const key = `${exchange.method} ${path}`;
    const secretMatch = /^vaults\/([^/]+)\/secrets\/([^/]+)(\/versions)?$/.exec(path);
    if (secretMatch !== null) {
      const [, vault, name, versions] = secretMatch.map((s) => s && decodeURIComponent(s));
      await this.secretRoute(exchange, vault, name, versions !== undefined);
      return;
    }
    switch (key) {
      case "GET health":
        return exchange.send(200, this.health());
      case "GET requests":
        return exchange.send(200, { value: this.emulator.requests() });
      case "DELETE requests":
        this.emulator.resetRequests();
        return exchange.send(204);
      case "POST faults":
        this.emulator.addFault(toFaultRule(parseJsonObject(await exchange.readBody())));
        return exchange.send(204);
      case "DELETE faults":
        this.emulator.clearFaults();
        return exchange.send(204);
      case "POST roles":
        await this.setRole(exchange);
        return exchange.send(204);
      case "POST tokens/expire":
        this.emulator.expireTokens();
        return exchange.send(204);
      default:
        exchange.send(404, { error: { code: "NotFound", message: `No control route ${key}.` } });
    }
  }

  private health(): object {
    const vaults: Record<string, string> = {};
    for (const name of this.emulator.vaultNames()) {
      vaults[name] = this.emulator.vaultUrl(name);
    }
    return { authorityHost: this.emulator.authorityHost, tenantId: this.tenantId, vaults };
  }

  private async setRole(exchange: Exchange): Promise<void> {
    const body = parseJsonObject(await exchange.readBody());
    const afterMs = typeof body.afterMs === "number" ? body.afterMs : 0;
    const role = body.role as Role;
    if (!["officer", "user", "none"].includes(role)) {
      throw new Error(`The role must be "officer", "user" or "none"; got ${String(body.role)}.`);
    }
    this.emulator.setRole(String(body.clientId), String(body.vault), role, { afterMs });
  }

  private async secretRoute(
    exchange: Exchange,
    vault: string,
    name: string,
    versions: boolean,
  ): Promise<void> {
    if (versions && exchange.method === "GET") {
      return exchange.send(200, { value: this.emulator.listVersions(vault, name) });
    }
    switch (versions ? "" : exchange.method) {
      case "PUT": {
        const body = parseJsonObject(await exchange.readBody());
        if (typeof body.value !== "string") {
          throw new Error("The property 'value' is required and must be a string.");
        }
        const bundle = this.emulator.setSecret(vault, name, body.value, toProps(body));
        return exchange.send(200, bundle);
      }
      case "GET": {
        const bundle = this.emulator.getSecret(vault, name);
        const missing = { error: { code: "NotFound", message: `No secret '${name}'.` } };
        return bundle ? exchange.send(200, bundle) : exchange.send(404, missing);
      }
      case "PATCH":
        this.emulator.updateSecretProperties(
          vault,
          name,
          toProps(parseJsonObject(await exchange.readBody())),
        );
        return exchange.send(204);
      case "DELETE":
        this.emulator.deleteSecret(vault, name, {
          purge: exchange.url.searchParams.get("purge") === "true",
        });
        return exchange.send(204);
      default:
        exchange.send(404, { error: { code: "NotFound", message: "No such control route." } });
    }
  }
}

function toDate(value: unknown, field: string): Date | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  const date = new Date(String(value));
  if (Number.isNaN(date.getTime())) {
    throw new Error(`The property '${field}' must be an ISO 8601 date; got ${String(value)}.`);
  }
  return date;
}

function toProps(body: Record<string, unknown>): SecretPropertiesInput {
  return {
    contentType: body.contentType as string | undefined,
    tags: body.tags as Record<string, string> | undefined,
    enabled: body.enabled as boolean | undefined,
    notBefore: toDate(body.notBefore, "notBefore"),
    expiresOn: toDate(body.expiresOn, "expiresOn"),
  };
}

function toFaultRule(body: Record<string, unknown>): FaultRule {
  const { routePattern, ...rest } = body;
  const rule = rest as FaultRule;
  if (typeof routePattern === "string") {
    rule.route = new RegExp(routePattern);
  }
  return rule;
}
