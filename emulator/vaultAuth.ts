import { KeyVaultError } from "./errors";
import { IssuedToken, TokenRegistry } from "./tokens";

/** Resource the vault names in its 401 challenge; clients request `${resource}/.default`. */
export const CHALLENGE_RESOURCE = "https://vault.azure.net";

/** Returns the WWW-Authenticate header a vault sends with every 401. */
export function challengeHeader(authorityHost: string, tenantId: string): string {
  return `Bearer authorization="${authorityHost}/${tenantId}", resource="${CHALLENGE_RESOURCE}"`;
}

function unauthorized(message: string): KeyVaultError {
  return new KeyVaultError(401, "Unauthorized", message);
}

/**
 * Checks the bearer token of a vault request and returns what it is bound to. Throws 401
 * Unauthorized when the token is missing, unknown, expired or from another tenant. Tokens for
 * any of the three cloud audiences are accepted, because a vault of the emulator plays no cloud.
 */
export function authenticate(
  authorization: string | undefined,
  tokens: TokenRegistry,
  vaultTenantId: string,
): IssuedToken {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (match === null) {
    throw unauthorized("AKV10000: Request is missing a Bearer or PoP token.");
  }
  const check = tokens.check(match[1]);
  // NOTE: the messages for unknown and expired tokens are the emulator's own wording. No
  // recorded response of the real service for these cases was available.
  if (check.status === "unknown") {
    throw unauthorized("The access token is invalid: it was not issued by this emulator.");
  }
  if (check.status === "expired") {
    const expiredAt = new Date(check.token.expiresAtMs).toISOString();
    throw unauthorized(`The access token expired at ${expiredAt}. Request a new token.`);
  }
  if (check.token.tenantId !== vaultTenantId) {
    throw unauthorized(
      `AKV10032: Invalid issuer. Expected one of https://sts.windows.net/${vaultTenantId}/, ` +
        `found https://sts.windows.net/${check.token.tenantId}/.`,
    );
  }
  return check.token;
}
