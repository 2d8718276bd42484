/**
 * A Key Vault error response: the status plus the body
 * `{"error": {"code", "message", "innererror": {"code"}}}`.
 */
export class KeyVaultError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly innerCode?: string,
  ) {
    super(message);
    this.name = "KeyVaultError";
  }

  /** Returns the response body in the Key Vault wire format. */
  toBody(): object {
    const error: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.innerCode !== undefined) {
      error.innererror = { code: this.innerCode };
    }
    return { error };
  }
}

// Messages below follow the wording of real Key Vault responses seen in recorded traffic of the
// Azure SDK for JavaScript and in public bug reports, with the names filled in.

export function badParameter(message: string): KeyVaultError {
  return new KeyVaultError(400, "BadParameter", message);
}

export function secretNotFound(name: string, version?: string): KeyVaultError {
  const id = version ? `${name}/${version}` : name;
  return new KeyVaultError(
    404,
    "SecretNotFound",
    `A secret with (name/id) ${id} was not found in this key vault. If you recently deleted ` +
      "this secret you may be able to recover it using the correct recovery command. For help " +
      "resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182",
  );
}

export function deletedSecretNotFound(name: string): KeyVaultError {
  return new KeyVaultError(404, "SecretNotFound", `Deleted Secret not found: ${name}`);
}

export function secretDisabled(): KeyVaultError {
  return new KeyVaultError(
    403,
    "Forbidden",
    "Operation get is not allowed on a disabled secret.",
    "SecretDisabled",
  );
}

export function deletedButRecoverable(name: string): KeyVaultError {
  return new KeyVaultError(
    409,
    "Conflict",
    `Secret ${name} is currently in a deleted but recoverable state, and its name cannot be ` +
      "reused; in this state, the secret can only be recovered or purged.",
    "ObjectIsDeletedButRecoverable",
  );
}

export function beingDeleted(): KeyVaultError {
  return new KeyVaultError(
    409,
    "Conflict",
    "Secret is currently being deleted.",
    "ObjectIsBeingDeleted",
  );
}

export function beingRecovered(): KeyVaultError {
  // NOTE: the wording is modelled on "Secret is currently being deleted."; no recorded
  // response with this inner code was available to copy the exact message from.
  return new KeyVaultError(
    409,
    "Conflict",
    "Secret is currently being recovered.",
    "ObjectIsBeingRecovered",
  );
}

export function purgeProtected(vault: string): KeyVaultError {
  return new KeyVaultError(
    403,
    "Forbidden",
    'Operation "purge" is not allowed because purge protection is enabled for this vault. Key ' +
      "Vault service will automatically purge it after the retention period has passed.\r\n" +
      `Vault: ${vault};location=local`,
  );
}

export function throttled(): KeyVaultError {
  return new KeyVaultError(
    429,
    "Throttled",
    "Request was not processed because too many requests were received. " +
      "Reason: VaultRequestTypeLimitReached",
  );
}

/** Returns the error code a fault rule uses when it names only a status. */
export function defaultCodeForStatus(status: number): string {
  const codes: Record<number, string> = {
    400: "BadParameter",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    409: "Conflict",
    429: "Throttled",
    500: "InternalServerError",
    502: "BadGateway",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
  };
  return codes[status] ?? "Error";
}

/** Builds the error response of a fault rule. */
export function faultError(status: number, code?: string, innerCode?: string): KeyVaultError {
  if (status === 429 && code === undefined) {
    const error = throttled();
    return new KeyVaultError(429, error.code, error.message, innerCode);
  }
  const resolved = code ?? defaultCodeForStatus(status);
  return new KeyVaultError(status, resolved, `Injected fault: ${resolved}.`, innerCode);
}
