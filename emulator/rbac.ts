import { KeyVaultError } from "./errors";
import { Principal } from "./principals";
import { ROUTES, RouteTemplate } from "./routes";
import { Role } from "./types";

// Azure RBAC data actions of the secrets API. "getSecret", "readMetadata", "setSecret" and
// "delete" appear in real ForbiddenByRbac messages; the others follow the same naming.
// TODO: check the update, recover and purge action names against Azure's operations list.
const DATA_ACTIONS: Partial<Record<RouteTemplate, string>> = {
  [ROUTES.getSecret]: "Microsoft.KeyVault/vaults/secrets/getSecret/action",
  [ROUTES.getSecretVersion]: "Microsoft.KeyVault/vaults/secrets/getSecret/action",
  [ROUTES.listSecrets]: "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
  [ROUTES.listVersions]: "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
  [ROUTES.setSecret]: "Microsoft.KeyVault/vaults/secrets/setSecret/action",
  [ROUTES.updateSecret]: "Microsoft.KeyVault/vaults/secrets/update/action",
  [ROUTES.deleteSecret]: "Microsoft.KeyVault/vaults/secrets/delete",
  [ROUTES.getDeleted]: "Microsoft.KeyVault/vaults/deletedSecrets/read",
  [ROUTES.listDeleted]: "Microsoft.KeyVault/vaults/deletedSecrets/read",
  [ROUTES.recoverDeleted]: "Microsoft.KeyVault/vaults/deletedSecrets/recover/action",
  [ROUTES.purgeDeleted]: "Microsoft.KeyVault/vaults/deletedSecrets/delete",
};

/** Routes a Key Vault Secrets User may call: reading values and listing secrets. */
const USER_ROUTES = new Set<RouteTemplate>([
  ROUTES.getSecret,
  ROUTES.getSecretVersion,
  ROUTES.listSecrets,
  ROUTES.listVersions,
]);

export function isAllowed(role: Role, route: RouteTemplate): boolean {
  if (role === "officer") {
    return true;
  }
  return role === "user" && USER_ROUTES.has(route);
}

/**
 * Builds the 403 ForbiddenByRbac error. The message follows the real one: it names the caller,
 * the data action and the resource, and mentions role assignment propagation time.
 */
export function forbiddenByRbac(
  principal: Principal,
  vault: string,
  route: RouteTemplate,
  secretName: string,
): KeyVaultError {
  const action = DATA_ACTIONS[route] ?? "Microsoft.KeyVault/vaults/secrets/readMetadata/action";
  const vaultPath =
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/emulator/providers/" +
    `microsoft.keyvault/vaults/${vault.toLowerCase()}`;
  const resource = secretName ? `${vaultPath}/secrets/${secretName.toLowerCase()}` : vaultPath;
  const message = [
    "Caller is not authorized to perform action on resource.",
    "If role assignments, deny assignments or role definitions were changed recently, please " +
      "observe propagation time.",
    `Caller: appid=${principal.clientId};oid=${principal.objectId};` +
      `iss=https://sts.windows.net/${principal.tenantId}/`,
    `Action: '${action}'`,
    `Resource: '${resource}'`,
    "Assignment: (not found)",
    "DenyAssignmentId: null",
    "DecisionReason: 'DeniedWithNoValidRBAC' ",
    `Vault: ${vault};location=local`,
    "",
  ].join("\r\n");
  return new KeyVaultError(403, "Forbidden", message, "ForbiddenByRbac");
}
