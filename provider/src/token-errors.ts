import { KeyVaultError } from "./errors";
import { Credentials } from "./settings";

/** Hints for common Microsoft Entra ID error codes (the numbers after `AADSTS`). */
const ENTRA_HINTS: Readonly<Record<number, string>> = {
    7000215:
        "the client secret is invalid; use the secret's value, not its secret ID, in " +
        "azure-keyvault:clientSecret or AZURE_CLIENT_SECRET",
    7000222: "the client secret has expired; create a new one for the application",
    700016: "no application with this client ID exists in the tenant; check both IDs",
    90002: "the tenant does not exist; check the tenant ID",
    900023: "the tenant ID is not a valid tenant GUID or domain",
    700024: "the federated token is not valid at this time; check AZURE_FEDERATED_TOKEN_FILE",
    700027: "the client assertion is invalid; check AZURE_FEDERATED_TOKEN_FILE",
    70021: "no federated identity credential of the application matches the federated token",
};

/** Microsoft's public page that explains an Entra error code given as its number. */
const ERROR_LOOKUP_URL = "https://login.microsoftonline.com/error?code=";

/** Codes of a Microsoft Entra ID token error body. */
export interface EntraErrorCodes {
    /** The OAuth `error`, such as `invalid_client`. */
    error?: string;
    /** The first of `error_codes`, such as 7000215. */
    entraCode?: number;
}

/**
 * Reads the codes of a token error body. Only `error` and `error_codes` are kept:
 * `error_description` is never used, because it may echo request input.
 */
export async function readEntraErrorCodes(response: Response): Promise<EntraErrorCodes> {
    try {
        const body = (await response.json()) as { error?: unknown; error_codes?: unknown };
        const error =
            typeof body.error === "string" && /^[a-z_]{1,64}$/.test(body.error)
                ? body.error
                : undefined;
        const first = Array.isArray(body.error_codes) ? body.error_codes[0] : undefined;
        const entraCode = Number.isInteger(first) ? (first as number) : undefined;
        return { error, entraCode };
    } catch {
        return {};
    }
}

/** The vault and secret that a token was requested for, named in messages. */
export interface TokenPurpose {
    /** Vault URL. */
    vaultUrl: string;
    /** Secret name. */
    secretName: string;
}

/** Builds the {@link KeyVaultError} for a token request that Microsoft Entra ID rejected. */
export function tokenErrorFromResponse(
    credentials: Credentials,
    purpose: TokenPurpose,
    statusCode: number,
    codes: EntraErrorCodes,
    facts: { retries: number; requestId?: string },
): KeyVaultError {
    const aadsts = codes.entraCode === undefined ? undefined : `AADSTS${codes.entraCode}`;
    const codeText = [codes.error, aadsts].filter((code) => code !== undefined).join(", ");
    const hint =
        (codes.entraCode !== undefined ? ENTRA_HINTS[codes.entraCode] : undefined) ??
        (aadsts === undefined
            ? "check the tenant ID, client ID and client secret"
            : `look up ${aadsts} at ${ERROR_LOOKUP_URL}${codes.entraCode}`);
    const message =
        `Microsoft Entra ID rejected the token request for client ID ${credentials.clientId} ` +
        `in tenant ${credentials.tenantId} (HTTP ${statusCode}${codeText ? `, ${codeText}` : ""}` +
        `${facts.retries > 0 ? `, after ${facts.retries} retries` : ""}` +
        `${facts.requestId ? `, request ID ${facts.requestId}` : ""}): ${hint}. ` +
        `The token was needed for secret "${purpose.secretName}" in vault ${purpose.vaultUrl}.`;
    return new KeyVaultError(message, {
        statusCode,
        code: codes.error,
        innerCode: aadsts,
        vault: purpose.vaultUrl,
        secretName: purpose.secretName,
        requestId: facts.requestId,
    });
}

/** Builds the {@link KeyVaultError} for a token request that got no response. */
export function tokenErrorFromNetworkFailure(
    credentials: Credentials,
    purpose: TokenPurpose,
    errorCode: string,
    retries: number,
): KeyVaultError {
    const message =
        `The token request to ${credentials.authorityHost} for client ID ${credentials.clientId} ` +
        `failed (${errorCode})${retries > 0 ? ` after ${retries} retries` : ""}. Check the ` +
        "authority host (azure-keyvault:authorityHost or AZURE_AUTHORITY_HOST) and network " +
        `access to it. The token was needed for secret "${purpose.secretName}" in vault ` +
        `${purpose.vaultUrl}.`;
    return new KeyVaultError(message, {
        code: errorCode,
        vault: purpose.vaultUrl,
        secretName: purpose.secretName,
    });
}

/** Builds the {@link KeyVaultError} for a token response without a usable token. */
export function tokenErrorFromMalformedResponse(
    credentials: Credentials,
    purpose: TokenPurpose,
    requestId: string | undefined,
): KeyVaultError {
    return new KeyVaultError(
        `The token response from ${credentials.authorityHost} for client ID ` +
            `${credentials.clientId} has no access_token or expires_in` +
            `${requestId ? ` (request ID ${requestId})` : ""}. Check the authority host.`,
        { code: "InvalidTokenResponse", vault: purpose.vaultUrl, secretName: purpose.secretName },
    );
}
