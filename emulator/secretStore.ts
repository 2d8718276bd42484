import { randomBytes } from "node:crypto";
import {
  beingDeleted,
  beingRecovered,
  deletedButRecoverable,
  deletedSecretNotFound,
  purgeProtected,
  secretNotFound,
} from "./errors";
import { WritableAttributes } from "./validation";

/** One stored version of a secret. Dates are seconds since the epoch, as on the wire. */
export interface StoredVersion {
  version: string;
  value: string;
  contentType?: string;
  tags?: Record<string, string>;
  enabled: boolean;
  nbf?: number;
  exp?: number;
  created: number;
  updated: number;
}

/**
 * Lifecycle of a secret name. "deleting", "recovering" and "purging" are the windows in which
 * the real service has accepted a request but not finished it; `stateUntilMs` ends them.
 */
export type SecretState = "active" | "deleting" | "deleted" | "recovering" | "purging";

export interface StoredSecret {
  /** Name in the case it was created with; lookups ignore case. */
  name: string;
  versions: StoredVersion[];
  state: SecretState;
  /** End of a "deleting", "recovering" or "purging" window, in milliseconds since the epoch. */
  stateUntilMs?: number;
  deletedDate?: number;
  scheduledPurgeDate?: number;
}

/** Settings of the vault that decide how deletes behave. */
export interface LifecycleSettings {
  vaultName: string;
  softDelete: boolean;
  purgeProtection: boolean;
  retentionDays: number;
  deleteDelayMs: number;
  recoverDelayMs: number;
  purgeDelayMs: number;
}

/** Fields a set or update may change; undefined fields are left out. */
export interface VersionInput extends WritableAttributes {
  contentType?: string;
  tags?: Record<string, string>;
}

const SECONDS_PER_DAY = 86_400;

/** Orders keys by UTF-16 code units, the order the list skip tokens rely on. */
function compareKeys(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

function toSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/**
 * Secrets of one vault with Key Vault's soft-delete lifecycle. Transitions that end a window
 * happen lazily on the next access, so the store needs no timers.
 */
export class SecretStore {
  private readonly secrets = new Map<string, StoredSecret>();

  constructor(
    private readonly settings: LifecycleSettings,
    private readonly onChange: () => void = () => undefined,
  ) {}

  /** Replaces the contents with persisted secrets. */
  load(secrets: StoredSecret[]): void {
    this.secrets.clear();
    for (const secret of secrets) {
      this.secrets.set(secret.name.toLowerCase(), secret);
    }
  }

  /** Returns every entry, including deleted ones, for persistence. */
  snapshot(): StoredSecret[] {
    return [...this.secrets.values()];
  }

  /** Returns the entry for a name after applying due transitions, or undefined. */
  find(name: string, nowMs = Date.now()): StoredSecret | undefined {
    const key = name.toLowerCase();
    const secret = this.secrets.get(key);
    if (secret === undefined) {
      return undefined;
    }
    this.settle(key, secret, nowMs);
    return this.secrets.get(key);
  }

  /** Returns all entries sorted by lower-case name, after applying due transitions. */
  all(nowMs = Date.now()): StoredSecret[] {
    for (const [key, secret] of [...this.secrets.entries()]) {
      this.settle(key, secret, nowMs);
    }
    return [...this.secrets.entries()]
      .sort(([a], [b]) => compareKeys(a, b))
      .map(([, secret]) => secret);
  }

  /** Returns the active entry, or throws 404 SecretNotFound. */
  requireActive(name: string, nowMs = Date.now()): StoredSecret {
    const secret = this.find(name, nowMs);
    if (secret === undefined || secret.state !== "active") {
      throw secretNotFound(name);
    }
    return secret;
  }

  /** Adds a new version holding only the given fields, or throws 409 for a deleted name. */
  set(name: string, value: string, input: VersionInput, nowMs = Date.now()): StoredVersion {
    const existing = this.find(name, nowMs);
    if (existing !== undefined) {
      this.rejectUnlessActive(existing);
    }
    const now = toSeconds(nowMs);
    const version: StoredVersion = {
      version: randomBytes(16).toString("hex"),
      value,
      contentType: input.contentType,
      tags: input.tags,
      enabled: input.enabled ?? true,
      nbf: input.nbf,
      exp: input.exp,
      created: now,
      updated: now,
    };
    if (existing === undefined) {
      this.secrets.set(name.toLowerCase(), { name, versions: [version], state: "active" });
    } else {
      existing.versions.push(version);
    }
    this.onChange();
    return version;
  }

  /** Updates the given fields of one version (the latest when `version` is empty). */
  update(name: string, version: string, input: VersionInput, nowMs = Date.now()): StoredVersion {
    const target = this.requireVersion(name, version, nowMs);
    if (input.contentType !== undefined) target.contentType = input.contentType;
    if (input.tags !== undefined) target.tags = input.tags;
    if (input.enabled !== undefined) target.enabled = input.enabled;
    if (input.nbf !== undefined) target.nbf = input.nbf;
    if (input.exp !== undefined) target.exp = input.exp;
    target.updated = toSeconds(nowMs);
    this.onChange();
    return target;
  }

  /** Returns one version of an active secret (the latest when `version` is empty), or 404. */
  requireVersion(name: string, version: string, nowMs = Date.now()): StoredVersion {
    const secret = this.requireActive(name, nowMs);
    if (version === "") {
      return secret.versions[secret.versions.length - 1];
    }
    const found = secret.versions.find((v) => v.version === version.toLowerCase());
    if (found === undefined) {
      throw secretNotFound(name, version);
    }
    return found;
  }

  /**
   * Deletes every version. With soft delete the entry stays "deleting" for the delete delay
   * and then becomes a deleted secret; without it the entry is removed at once.
   */
  delete(name: string, nowMs = Date.now(), immediate = false): StoredSecret {
    const secret = this.requireActive(name, nowMs);
    if (!this.settings.softDelete) {
      this.secrets.delete(name.toLowerCase());
      this.onChange();
      return secret;
    }
    const delayMs = immediate ? 0 : this.settings.deleteDelayMs;
    secret.deletedDate = toSeconds(nowMs);
    secret.scheduledPurgeDate = secret.deletedDate + this.settings.retentionDays * SECONDS_PER_DAY;
    this.startWindow(secret, delayMs > 0 ? "deleting" : "deleted", nowMs + delayMs);
    this.onChange();
    return secret;
  }

  /** Returns a deleted secret, or throws 404. A purge in progress still shows the entry. */
  requireDeleted(name: string, nowMs = Date.now()): StoredSecret {
    const secret = this.find(name, nowMs);
    if (secret === undefined || (secret.state !== "deleted" && secret.state !== "purging")) {
      throw deletedSecretNotFound(name);
    }
    return secret;
  }

  /**
   * Returns a deleted secret that no delete, purge or recover is working on. Throws 409 while
   * one is running and 404 when there is no deleted secret of that name.
   */
  private requireSettledDeleted(name: string, nowMs: number): StoredSecret {
    const secret = this.find(name, nowMs);
    if (secret?.state === "deleting" || secret?.state === "purging") {
      throw beingDeleted();
    }
    if (secret?.state === "recovering") {
      throw beingRecovered();
    }
    if (secret === undefined || secret.state !== "deleted") {
      throw deletedSecretNotFound(name);
    }
    return secret;
  }

  /** Starts a recover of a deleted secret. Throws 409 while a delete or purge is running. */
  recover(name: string, nowMs = Date.now()): StoredSecret {
    const secret = this.requireSettledDeleted(name, nowMs);
    const delayMs = this.settings.recoverDelayMs;
    if (delayMs > 0) {
      this.startWindow(secret, "recovering", nowMs + delayMs);
    } else {
      secret.state = "active";
      this.clearDeletion(secret);
    }
    this.onChange();
    return secret;
  }

  /** Starts a purge of a deleted secret. Throws 409, 404 or 403 as the real service does. */
  purge(name: string, nowMs = Date.now()): void {
    const secret = this.requireSettledDeleted(name, nowMs);
    if (this.settings.purgeProtection) {
      throw purgeProtected(this.settings.vaultName);
    }
    const delayMs = this.settings.purgeDelayMs;
    if (delayMs > 0) {
      this.startWindow(secret, "purging", nowMs + delayMs);
    } else {
      this.secrets.delete(name.toLowerCase());
    }
    this.onChange();
  }

  /** Removes a name in any state at once. Returns false if it did not exist. */
  remove(name: string): boolean {
    const removed = this.secrets.delete(name.toLowerCase());
    if (removed) {
      this.onChange();
    }
    return removed;
  }

  private rejectUnlessActive(secret: StoredSecret): void {
    switch (secret.state) {
      case "deleting":
      case "purging":
        // NOTE: a PUT during a purge is assumed to get the same response as during a delete,
        // because no recorded response for that window was available.
        throw beingDeleted();
      case "deleted":
        throw deletedButRecoverable(secret.name);
      case "recovering":
        throw beingRecovered();
      default:
        return;
    }
  }

  private startWindow(secret: StoredSecret, state: SecretState, untilMs: number): void {
    secret.state = state;
    secret.stateUntilMs = state === "active" || state === "deleted" ? undefined : untilMs;
  }

  private clearDeletion(secret: StoredSecret): void {
    secret.deletedDate = undefined;
    secret.scheduledPurgeDate = undefined;
    secret.stateUntilMs = undefined;
  }

  /**
   * Applies the transitions that are due. A change is persisted at once, so that the data file
   * drops the values of a purged secret when the purge ends, not at the next unrelated write.
   */
  private settle(key: string, secret: StoredSecret, nowMs: number): void {
    const windowEnded = secret.stateUntilMs !== undefined && nowMs >= secret.stateUntilMs;
    let changed = windowEnded;
    if (secret.state === "deleting" && windowEnded) {
      this.startWindow(secret, "deleted", nowMs);
    } else if (secret.state === "recovering" && windowEnded) {
      secret.state = "active";
      this.clearDeletion(secret);
    } else if (secret.state === "purging" && windowEnded) {
      this.secrets.delete(key);
    }
    const retentionEnded =
      secret.state === "deleted" &&
      secret.scheduledPurgeDate !== undefined &&
      toSeconds(nowMs) >= secret.scheduledPurgeDate;
    if (retentionEnded) {
      this.secrets.delete(key);
      changed = true;
    }
    if (changed) {
      this.onChange();
    }
  }
}
