import { secretBundle } from "./bundles";
import { FaultList } from "./faults";
import { PendingDelays, RunningListener } from "./listener";
import { PrincipalRegistry } from "./principals";
import { RequestLog } from "./requestLog";
import { VersionInput } from "./secretStore";
import { TokenRegistry } from "./tokens";
import {
  Emulator,
  FaultRule,
  RequestFilter,
  RequestRecord,
  Role,
  SecretBundle,
  SecretPropertiesInput,
} from "./types";
import { validateContentType, validateName, validateTags, validateValue } from "./validation";
import { VaultService } from "./vaultService";

/** The shared state of a running emulator. */
export interface EmulatorParts {
  vaults: Map<string, VaultService>;
  principals: PrincipalRegistry;
  tokens: TokenRegistry;
  log: RequestLog;
  faults: FaultList;
  delays: PendingDelays;
  listeners: RunningListener[];
  authorityHost: string;
}

function toSeconds(date: Date | undefined, field: string): number | undefined {
  if (date === undefined) {
    return undefined;
  }
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new Error(`The property '${field}' must be a valid Date.`);
  }
  return Math.floor(date.getTime() / 1000);
}

function toVersionInput(props: SecretPropertiesInput = {}): VersionInput {
  return {
    contentType: validateContentType(props.contentType),
    tags: validateTags(props.tags),
    enabled: props.enabled,
    nbf: toSeconds(props.notBefore, "notBefore"),
    exp: toSeconds(props.expiresOn, "expiresOn"),
  };
}

/** The {@link Emulator} API over the running listeners. */
export class KeyVaultEmulator implements Emulator {
  constructor(private readonly parts: EmulatorParts) {}

  get authorityHost(): string {
    return this.parts.authorityHost;
  }

  vaultUrl(name: string): string {
    return `${this.vault(name).baseUrl}/`;
  }

  vaultNames(): string[] {
    return [...this.parts.vaults.keys()];
  }

  requests(): RequestRecord[] {
    return this.parts.log.all();
  }

  count(filter?: RequestFilter): number {
    return this.parts.log.count(filter);
  }

  resetRequests(): void {
    this.parts.log.reset();
  }

  setSecret(
    vault: string,
    name: string,
    value: string,
    props?: SecretPropertiesInput,
  ): SecretBundle {
    const service = this.vault(vault);
    validateName(name);
    const version = service.store.set(name, validateValue(value), toVersionInput(props));
    const secret = service.store.requireActive(name);
    return secretBundle(secret, version, service.context, true);
  }

  getSecret(vault: string, name: string): SecretBundle | undefined {
    const service = this.vault(vault);
    const secret = service.store.find(name);
    if (secret?.state !== "active") {
      return undefined;
    }
    const latest = secret.versions[secret.versions.length - 1];
    return secretBundle(secret, latest, service.context, true);
  }

  updateSecretProperties(vault: string, name: string, props: SecretPropertiesInput): void {
    this.vault(vault).store.update(name, "", toVersionInput(props));
  }

  deleteSecret(vault: string, name: string, opts: { purge?: boolean } = {}): void {
    const store = this.vault(vault).store;
    if (opts.purge) {
      if (!store.remove(name)) {
        throw new Error(`Cannot purge secret '${name}': vault '${vault}' has no such secret.`);
      }
      return;
    }
    store.delete(name, Date.now(), true);
  }

  listVersions(vault: string, name: string): SecretBundle[] {
    const service = this.vault(vault);
    const secret = service.store.find(name);
    if (secret?.state !== "active") {
      return [];
    }
    return secret.versions.map((v) => secretBundle(secret, v, service.context, true));
  }

  setRole(clientId: string, vault: string, role: Role, opts: { afterMs?: number } = {}): void {
    this.vault(vault);
    this.parts.principals.setRole(clientId, vault, role, opts.afterMs ?? 0);
  }

  addFault(rule: FaultRule): void {
    this.parts.faults.add(rule);
  }

  clearFaults(): void {
    this.parts.faults.clear();
  }

  expireTokens(): void {
    this.parts.tokens.expireAll();
  }

  issuedTokens(): string[] {
    return this.parts.tokens.issued();
  }

  async close(): Promise<void> {
    this.parts.delays.cancelAll();
    await Promise.all(this.parts.listeners.map((listener) => listener.close()));
  }

  private vault(name: string): VaultService {
    const service = this.parts.vaults.get(name);
    if (service === undefined) {
      const known = [...this.parts.vaults.keys()].join(", ");
      throw new Error(`Unknown vault '${name}'. The emulator serves: ${known}.`);
    }
    return service;
  }
}
