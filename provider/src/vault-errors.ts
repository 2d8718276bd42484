import { KeyVaultError } from "./errors";

/** Whether an operation reads or changes the secret, which decides the role a 403 requires. */
export type AccessKind = "read" | "write";

/** Subject of a Key Vault request, named in log lines and error messages. */
export interface VaultRequestContext {
    /** Normalized vault URL. */
    vaultUrl: string;
    /** Secret name. */
    secretName: string;
    /** Short description of the operation, such as "set" or "get deleted". */
    operation: string;
    /** Whether the operation needs read or write permission. */
    access: AccessKind;
    /** Client ID of the caller, named in permission errors. */
    clientId: string;
}

/** Error codes of a Key Vault error body. */
export interface ServiceErrorCodes {
    /** `error.code`, such as `Forbidden`. */
    code?: string;
    /** `error.innererror.code`, such as `ForbiddenByRbac`. */
    innerCode?: string;
}

const MAX_ERROR_BODY_CHARACTERS = 64 * 1024;

/** Returns `value` when it looks like an error code, so free text never reaches a message. */
function asErrorCode(value: unknown): string | undefined {
    return typeof value === "string" && /^[A-Za-z0-9_.-]{1,100}$/.test(value) ? value : undefined;
}

/**
 * Reads the codes of a Key Vault error body. Only `error.code` and `error.innererror.code` are
 * kept: the body's message is never used, because it may echo request details.
 */
export async function readServiceErrorCodes(response: Response): Promise<ServiceErrorCodes> {
    let text: string;
    try {
        text = await response.text();
    } catch {
        return {};
    }
    if (text.length > MAX_ERROR_BODY_CHARACTERS) {
        return {};
    }
    try {
        const body = JSON.parse(text) as {
            error?: { code?: unknown; innererror?: { code?: unknown } };
        };
        return {
            code: asErrorCode(body?.error?.code),
            innerCode: asErrorCode(body?.error?.innererror?.code),
        };
    } catch {
        return {};
    }
}

/** Returns "secret "name" in vault https://…/" for messages. */
export function describeTarget(context: Pick<VaultRequestContext, "vaultUrl" | "secretName">) {
    return `secret "${context.secretName}" in vault ${context.vaultUrl}`;
}

function vaultNameForCommand(vaultUrl: string): string {
    return new URL(vaultUrl).hostname.split(".")[0];
}

function forbiddenNextStep(context: VaultRequestContext, innerCode: string | undefined): string {
    const vaultName = vaultNameForCommand(context.vaultUrl);
    if (innerCode === "ForbiddenByFirewall") {
        return (
            "The vault's network rules (firewall) reject this client's IP address. Add the " +
            "address to the vault's firewall or run from an allowed network. Not retried."
        );
    }
    if (innerCode === "ForbiddenByRbac") {
        const role =
            context.access === "write" ? "Key Vault Secrets Officer" : "Key Vault Secrets User";
        return (
            `Client ID ${context.clientId} needs the data-plane role "${role}" on the vault, ` +
            `for example: az role assignment create --role "${role}" ` +
            `--assignee ${context.clientId} ` +
            `--scope $(az keyvault show --name ${vaultName} --query id -o tsv). A new role ` +
            "assignment can take minutes to apply; azure-keyvault:roleAssignmentWaitSeconds " +
            "sets how long this provider waits for it."
        );
    }
    if (innerCode === "AccessDenied" || innerCode === "ForbiddenByPolicy") {
        return (
            `The vault uses access policies: grant client ID ${context.clientId} the secret ` +
            `permissions it needs, for example: az keyvault set-policy --name ${vaultName} ` +
            `--spn ${context.clientId} --secret-permissions get list set delete recover purge.`
        );
    }
    if (innerCode === "SecretDisabled") {
        return "The secret's current version is disabled; set enabled: true to use it.";
    }
    return (
        `Client ID ${context.clientId} is not allowed to ${context.operation} this secret, or ` +
        "the vault forbids the operation (purge protection forbids purge)."
    );
}

function conflictNextStep(context: VaultRequestContext, innerCode: string | undefined): string {
    const vaultName = vaultNameForCommand(context.vaultUrl);
    if (innerCode === "ObjectIsDeletedButRecoverable") {
        return (
            "A soft-deleted secret uses this name. Set recoverSoftDeleted: true to recover it, " +
            `or run az keyvault secret recover --vault-name ${vaultName} --name ` +
            `${context.secretName} to keep it, or az keyvault secret purge --vault-name ` +
            `${vaultName} --name ${context.secretName} to delete it for good, then run again.`
        );
    }
    if (innerCode === "ObjectIsBeingDeleted" || innerCode === "ObjectIsBeingRecovered") {
        return "A deletion or recovery of this name is still running; run again in a minute.";
    }
    return "Another change to this secret conflicts with this one; run again.";
}

function nextStep(context: VaultRequestContext, statusCode: number, codes: ServiceErrorCodes) {
    switch (statusCode) {
        case 400:
            return "Key Vault rejected the request; check the secret's properties and limits.";
        case 401:
            return (
                "The vault rejected the access token even after renewing it. Check that the " +
                "tenant ID is the vault's tenant and the vault URL is right."
            );
        case 403:
            return forbiddenNextStep(context, codes.innerCode);
        case 404:
            return "The vault has no such secret.";
        case 409:
            return conflictNextStep(context, codes.innerCode);
        case 429:
            return (
                "The vault kept throttling requests. Run with fewer parallel operations " +
                "(pulumi up --parallel) or raise azure-keyvault:maxRetries and " +
                "azure-keyvault:maxRetryWaitSeconds (a Retry-After longer than the wait " +
                "left ends the retries at once)."
            );
        default:
            return statusCode >= 500 ? "The vault kept failing; run again later." : "";
    }
}

/** Extra facts for a {@link vaultErrorFromResponse} message. */
export interface FailureFacts {
    /** Retries made before giving up. */
    retries: number;
    /** The `x-ms-request-id` header. */
    requestId?: string;
    /** Tenant that the vault's `WWW-Authenticate` header names, on a 401. */
    expectedTenant?: string;
}

/** Builds the {@link KeyVaultError} for a Key Vault error response. */
export function vaultErrorFromResponse(
    context: VaultRequestContext,
    statusCode: number,
    codes: ServiceErrorCodes,
    facts: FailureFacts,
): KeyVaultError {
    const codeText = [codes.code, codes.innerCode].filter((code) => code !== undefined).join("/");
    const parts = [
        `Key Vault ${context.operation} of ${describeTarget(context)} failed`,
        ` with HTTP ${statusCode}`,
        codeText === "" ? "" : ` (${codeText})`,
        facts.retries > 0 ? ` after ${facts.retries} retries` : "",
        facts.requestId === undefined ? "" : `, request ID ${facts.requestId}`,
        ".",
    ];
    let message = `${parts.join("")} ${nextStep(context, statusCode, codes)}`.trim();
    if (statusCode === 401 && facts.expectedTenant !== undefined) {
        message += ` The vault expects tenant ${facts.expectedTenant}.`;
    }
    return new KeyVaultError(message, {
        statusCode,
        code: codes.code,
        innerCode: codes.innerCode,
        vault: context.vaultUrl,
        secretName: context.secretName,
        requestId: facts.requestId,
    });
}

/** Returns the code of a connection error or timeout thrown by `fetch`, such as ECONNRESET. */
export function networkErrorCode(error: unknown): string {
    const candidates = [error, (error as { cause?: unknown } | undefined)?.cause];
    for (const candidate of candidates) {
        const name = (candidate as { name?: unknown } | undefined)?.name;
        if (name === "TimeoutError") {
            return "TimeoutError";
        }
        const code = asErrorCode((candidate as { code?: unknown } | undefined)?.code);
        if (code !== undefined) {
            return code;
        }
    }
    return "ConnectionFailed";
}

/** Returns whether a connection error code is a TLS certificate failure. */
export function isCertificateError(errorCode: string): boolean {
    return /CERT|SELF_SIGNED|TLS|SSL/.test(errorCode);
}

/**
 * Returns whether a request that failed with this connection error code may succeed when
 * sent again. An unknown host name and a TLS certificate failure do not change by waiting,
 * so they are reported at once.
 */
export function isRetryableNetworkError(errorCode: string): boolean {
    return errorCode !== "ENOTFOUND" && !isCertificateError(errorCode);
}

function describeNetworkFailure(errorCode: string, timeoutMs: number): string {
    if (errorCode === "TimeoutError") {
        const seconds = timeoutMs / 1000;
        return `got no response within ${seconds} s (azure-keyvault:requestTimeoutSeconds)`;
    }
    if (errorCode === "ENOTFOUND") {
        return "failed because the vault's host name does not resolve (ENOTFOUND)";
    }
    if (isCertificateError(errorCode)) {
        return (
            `failed because the vault's TLS certificate could not be verified (${errorCode}); ` +
            "verification is never turned off, so trust a private CA with NODE_EXTRA_CA_CERTS"
        );
    }
    return `failed to connect (${errorCode})`;
}

/** Builds the {@link KeyVaultError} for a request that got no response. */
export function vaultErrorFromNetworkFailure(
    context: VaultRequestContext,
    errorCode: string,
    retries: number,
    timeoutMs: number,
): KeyVaultError {
    const failure = describeNetworkFailure(errorCode, timeoutMs);
    const message =
        `Key Vault ${context.operation} of ${describeTarget(context)} ${failure}` +
        `${retries > 0 ? ` after ${retries} retries` : ""}. Check that the vault URL is right ` +
        "and that this machine can reach the vault.";
    return new KeyVaultError(message, {
        code: errorCode,
        vault: context.vaultUrl,
        secretName: context.secretName,
    });
}
