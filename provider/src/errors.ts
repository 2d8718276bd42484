/** Fields of a {@link KeyVaultError}, all optional except the message. */
export interface KeyVaultErrorDetails {
    /** HTTP status of the last response, if a response arrived. */
    statusCode?: number;
    /** Key Vault `error.code` (`Forbidden`, `Conflict`), Entra `error`, or a local code. */
    code?: string;
    /** Key Vault `error.innererror.code` (`ForbiddenByRbac`) or Entra `AADSTS` code. */
    innerCode?: string;
    /** The vault URL, such as `https://myvault.vault.azure.net/`. */
    vault?: string;
    /** The secret name. */
    secretName?: string;
    /** The `x-ms-request-id` of the last response, for Azure support. */
    requestId?: string;
}

const ERROR_NAME = "KeyVaultError";

/**
 * {@link KeyVaultError} represents a failed Key Vault or Microsoft Entra ID request, or a wait
 * that timed out.
 *
 * The message names the vault, the secret, the HTTP status and the service's error code, and
 * gives the next step. It never contains a request or response body, a token, a credential
 * or the secret value. The error has no `id` property on purpose: the Pulumi dynamic provider
 * host reads an `id` on an error thrown by `create` or `update` as "created but failed to
 * initialize".
 */
export class KeyVaultError extends Error implements KeyVaultErrorDetails {
    /** HTTP status of the last response, if a response arrived. */
    readonly statusCode?: number;
    /** Key Vault `error.code`, Entra `error`, or a local code such as `OperationTimedOut`. */
    readonly code?: string;
    /** Key Vault `error.innererror.code` or Entra `AADSTS` code. */
    readonly innerCode?: string;
    /** The vault URL. */
    readonly vault?: string;
    /** The secret name. */
    readonly secretName?: string;
    /** The `x-ms-request-id` of the last response. */
    readonly requestId?: string;

    /**
     * @param message - Full sentence(s) naming vault, secret, status, code and the next step.
     * @param details - Structured fields for programs that handle the error.
     */
    constructor(message: string, details: KeyVaultErrorDetails = {}) {
        super(message);
        this.name = ERROR_NAME;
        this.statusCode = details.statusCode;
        this.code = details.code;
        this.innerCode = details.innerCode;
        this.vault = details.vault;
        this.secretName = details.secretName;
        this.requestId = details.requestId;
    }
}

/**
 * Returns whether `value` is a {@link KeyVaultError}. It checks the `name` instead of the
 * prototype, so it also recognizes errors from another loaded copy of this library, such as
 * the copy that the Pulumi dynamic provider host loads.
 */
export function isKeyVaultError(value: unknown): value is KeyVaultError {
    return (
        typeof value === "object" &&
        value !== null &&
        (value as { name?: unknown }).name === ERROR_NAME &&
        typeof (value as { message?: unknown }).message === "string"
    );
}

/** Returns whether `value` is a {@link KeyVaultError} with the given status and inner code. */
export function hasKeyVaultStatus(value: unknown, statusCode: number, innerCode?: string): boolean {
    if (!isKeyVaultError(value) || value.statusCode !== statusCode) {
        return false;
    }
    return innerCode === undefined || value.innerCode === innerCode;
}
