import { createHash } from "node:crypto";
import { PrincipalOptions, Role } from "./types";

// Development credentials of the default principal. They are public and fixed so that tools and
// docs can name them; they unlock nothing but a local emulator.
export const DEV_TENANT_ID = "00000000-0000-4000-8000-0000000000a1";
export const DEV_CLIENT_ID = "00000000-0000-4000-8000-0000000000c1";
export const DEV_CLIENT_SECRET = "keyvault-emulator-development-secret";

export function defaultPrincipals(): PrincipalOptions[] {
  return [{ tenantId: DEV_TENANT_ID, clientId: DEV_CLIENT_ID, clientSecret: DEV_CLIENT_SECRET }];
}

/** A principal with a stable object id, as role-assignment messages name one. */
export interface Principal extends PrincipalOptions {
  objectId: string;
}

/** Derives a stable GUID-shaped object id from the client id. */
function objectIdOf(clientId: string): string {
  const hex = createHash("sha256").update(`object-id:${clientId}`).digest("hex");
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20, 32),
  ].join("-");
}

interface Assignment {
  role: Role;
  effectiveAtMs: number;
}

/**
 * Principals and their data-plane roles. A role change takes effect after a delay, like a real
 * role assignment that still has to propagate; until then the previous role applies.
 */
export class PrincipalRegistry {
  private readonly byClientId = new Map<string, Principal>();
  private readonly assignments = new Map<string, Assignment[]>();

  constructor(principals: PrincipalOptions[]) {
    for (const principal of principals) {
      this.byClientId.set(principal.clientId, {
        ...principal,
        objectId: objectIdOf(principal.clientId),
      });
    }
  }

  find(clientId: string): Principal | undefined {
    return this.byClientId.get(clientId);
  }

  hasTenant(tenantId: string): boolean {
    return [...this.byClientId.values()].some((p) => p.tenantId === tenantId);
  }

  /** Returns the role in force now: the newest effective assignment, else the configured one. */
  roleOf(clientId: string, vault: string, nowMs = Date.now()): Role {
    const principal = this.byClientId.get(clientId);
    if (principal === undefined) {
      return "none";
    }
    const effective = (this.assignments.get(`${clientId}\n${vault}`) ?? [])
      .filter((a) => a.effectiveAtMs <= nowMs)
      .sort((a, b) => a.effectiveAtMs - b.effectiveAtMs);
    if (effective.length > 0) {
      return effective[effective.length - 1].role;
    }
    return principal.roles?.[vault] ?? "officer";
  }

  setRole(clientId: string, vault: string, role: Role, afterMs = 0, nowMs = Date.now()): void {
    if (!this.byClientId.has(clientId)) {
      throw new Error(`Cannot assign a role: no principal has the client id '${clientId}'.`);
    }
    const key = `${clientId}\n${vault}`;
    const list = this.assignments.get(key) ?? [];
    list.push({ role, effectiveAtMs: nowMs + Math.max(0, afterMs) });
    this.assignments.set(key, list);
  }
}
