import { promises as fs } from "fs";

import { isKeyVaultError, KeyVaultError } from "./errors";
import { assertCredentialSafeUrl, sendOnce } from "./http";
import { logInfo, logWarning } from "./log";
import { parseRetryAfterMs, RetryBudget, RetryDecision, retryReasonForResponse } from "./retry";
import { Credentials, ProviderSettings } from "./settings";
import { CachedToken, libraryState, system, TokenCacheEntry } from "./state";
import {
    readEntraErrorCodes,
    tokenErrorFromMalformedResponse,
    tokenErrorFromNetworkFailure,
    tokenErrorFromResponse,
    TokenPurpose,
} from "./token-errors";
import { isRetryableNetworkError, networkErrorCode } from "./vault-errors";

/** A token is renewed this long before it expires, or at half its lifetime if that is sooner. */
export const TOKEN_RENEWAL_MARGIN_MS = 5 * 60 * 1000;

const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

function cacheKey(credentials: Credentials, scope: string): string {
    const kind = credentials.clientSecret !== undefined ? "secret" : "assertion";
    return [
        credentials.authorityHost,
        credentials.tenantId,
        credentials.clientId,
        scope,
        kind,
    ].join("|");
}

function cacheEntry(credentials: Credentials, scope: string): TokenCacheEntry {
    const tokens = libraryState().tokens;
    const key = cacheKey(credentials, scope);
    let entry = tokens.get(key);
    if (entry === undefined) {
        entry = {};
        tokens.set(key, entry);
    }
    return entry;
}

/** Builds the form body of a client-credentials token request. */
async function tokenRequestBody(credentials: Credentials, scope: string): Promise<string> {
    const form = new URLSearchParams({
        grant_type: "client_credentials",
        client_id: credentials.clientId,
        scope,
    });
    if (credentials.clientSecret !== undefined) {
        form.set("client_secret", credentials.clientSecret);
    } else if (credentials.federatedTokenFile !== undefined) {
        // The file is read on every request because workload identity rotates it.
        const assertion = await readFederatedToken(credentials.federatedTokenFile);
        form.set("client_assertion_type", CLIENT_ASSERTION_TYPE);
        form.set("client_assertion", assertion);
    }
    return form.toString();
}

async function readFederatedToken(path: string): Promise<string> {
    try {
        return (await fs.readFile(path, "utf8")).trim();
    } catch (error) {
        const code = (error as { code?: unknown }).code;
        throw new KeyVaultError(
            `Failed to read the federated token file ${path} named by AZURE_FEDERATED_TOKEN_FILE` +
                `${typeof code === "string" ? ` (${code})` : ""}.`,
            { code: "FederatedTokenFileUnreadable" },
        );
    }
}

/** Parses the body text of a successful token response into a cache entry, or undefined. */
function parseTokenResponse(text: string, nowMs: number): CachedToken | undefined {
    let body: { access_token?: unknown; expires_in?: unknown };
    try {
        body = JSON.parse(text) as typeof body;
    } catch {
        return undefined;
    }
    if (typeof body !== "object" || body === null) {
        return undefined;
    }
    const expiresInSeconds = Number(body.expires_in);
    if (typeof body.access_token !== "string" || body.access_token === "") {
        return undefined;
    }
    if (!Number.isFinite(expiresInSeconds) || expiresInSeconds <= 0) {
        return undefined;
    }
    const lifetimeMs = expiresInSeconds * 1000;
    const marginMs = Math.min(TOKEN_RENEWAL_MARGIN_MS, lifetimeMs / 2);
    return {
        accessToken: body.access_token,
        expiresAtMs: nowMs + lifetimeMs,
        renewAtMs: nowMs + lifetimeMs - marginMs,
    };
}

/** The outcome of one token request attempt: a token, or a retry to make. */
type TokenAttempt = { token: CachedToken } | { retry: RetryDecision; failure: string };

/** Sends one token request; returns the token, or the retry that the budget allows. */
async function attemptTokenRequest(
    settings: ProviderSettings,
    url: string,
    scope: string,
    purpose: TokenPurpose,
    budget: RetryBudget,
): Promise<TokenAttempt> {
    const { credentials } = settings;
    const init: RequestInit = {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: await tokenRequestBody(credentials, scope),
    };

    let response: Response;
    let text = "";
    try {
        response = await sendOnce(url, init, settings.requestTimeoutMs);
        // A body cut off by a closed connection or a timeout fails the attempt, as a closed
        // connection before the headers does, rather than reading as a malformed token.
        if (response.ok) {
            text = await response.text();
        }
    } catch (error) {
        const code = networkErrorCode(error);
        const retry = isRetryableNetworkError(code) ? budget.next("transient") : undefined;
        if (retry === undefined) {
            throw tokenErrorFromNetworkFailure(credentials, purpose, code, budget.retryCount);
        }
        return { retry, failure: code };
    }

    const requestId = response.headers.get("x-ms-request-id") ?? undefined;
    if (response.ok) {
        const token = parseTokenResponse(text, system().now());
        if (token === undefined) {
            throw tokenErrorFromMalformedResponse(credentials, purpose, requestId);
        }
        return { token };
    }

    const codes = await readEntraErrorCodes(response);
    const requestedMs = parseRetryAfterMs(response.headers, system().now());
    const reason = retryReasonForResponse(response.status, undefined, requestedMs !== undefined);
    const retry = reason === undefined ? undefined : budget.next(reason, requestedMs);
    if (retry === undefined) {
        const facts = { retries: budget.retryCount, requestId };
        throw tokenErrorFromResponse(credentials, purpose, response.status, codes, facts);
    }
    return { retry, failure: `HTTP ${response.status}` };
}

/**
 * Requests a token from Microsoft Entra ID with the client-credentials grant. Retries 429,
 * 5xx, connection errors and timeouts within the retry budget.
 */
async function requestToken(
    settings: ProviderSettings,
    scope: string,
    purpose: TokenPurpose,
): Promise<CachedToken> {
    const { credentials } = settings;
    const tenant = encodeURIComponent(credentials.tenantId);
    const url = `${credentials.authorityHost}/${tenant}/oauth2/v2.0/token`;
    assertCredentialSafeUrl(new URL(url), "token endpoint");
    const budget = new RetryBudget(settings.retry, system());
    for (;;) {
        const attempt = await attemptTokenRequest(settings, url, scope, purpose, budget);
        if ("token" in attempt) {
            return attempt.token;
        }
        logTokenRetry(credentials, attempt.failure, attempt.retry);
        await system().sleep(attempt.retry.delayMs);
    }
}

function logTokenRetry(credentials: Credentials, failure: string, retry: RetryDecision): void {
    logInfo(
        `Token request for client ID ${credentials.clientId} failed (${failure}); ` +
            `retry ${retry.retryNumber} in ${(retry.delayMs / 1000).toFixed(1)} s.`,
    );
}

/** Starts a token request for `entry`, or joins the one already in flight. */
function startOrJoinRequest(
    entry: TokenCacheEntry,
    settings: ProviderSettings,
    scope: string,
    purpose: TokenPurpose,
): Promise<CachedToken> {
    if (entry.pending === undefined) {
        entry.pending = requestToken(settings, scope, purpose)
            .then((token) => {
                entry.token = token;
                return token;
            })
            .finally(() => {
                entry.pending = undefined;
            });
    }
    return entry.pending;
}

/**
 * Returns an access token for `scope`. One token is cached per authority, tenant, client and
 * scope for the life of the process, and renewed {@link TOKEN_RENEWAL_MARGIN_MS} before it
 * expires. Concurrent callers share one token request. When a renewal fails, the cached token
 * is used until it expires.
 */
export async function getAccessToken(
    settings: ProviderSettings,
    scope: string,
    purpose: TokenPurpose,
): Promise<string> {
    const entry = cacheEntry(settings.credentials, scope);
    if (entry.token !== undefined && system().now() < entry.token.renewAtMs) {
        return entry.token.accessToken;
    }
    try {
        return (await startOrJoinRequest(entry, settings, scope, purpose)).accessToken;
    } catch (error) {
        const unexpired = keepUnexpiredToken(entry, settings.credentials, error);
        if (unexpired === undefined) {
            throw error;
        }
        return unexpired;
    }
}

/**
 * Returns the cached token after a failed renewal if it has not expired, or undefined. It also
 * postpones the next renewal to halfway between now and the expiry. An outage of Microsoft
 * Entra ID then neither fails requests that the token still authorizes nor makes every request
 * wait for the retries of a new renewal.
 */
function keepUnexpiredToken(
    entry: TokenCacheEntry,
    credentials: Credentials,
    error: unknown,
): string | undefined {
    const token = entry.token;
    const nowMs = system().now();
    if (token === undefined || nowMs >= token.expiresAtMs) {
        return undefined;
    }
    // Every caller that joined the failed request arrives here, and only the first one logs.
    if (token.renewAtMs <= nowMs) {
        token.renewAtMs = nowMs + (token.expiresAtMs - nowMs) / 2;
        const failure = isKeyVaultError(error)
            ? (error.innerCode ?? error.code ?? `HTTP ${error.statusCode}`)
            : "unexpected error";
        logWarning(
            `Renewing the access token for client ID ${credentials.clientId} failed ` +
                `(${failure}). The current token stays in use until it expires in ` +
                `${Math.round((token.expiresAtMs - nowMs) / 1000)} s, and renewal is tried ` +
                `again in ${Math.round((token.renewAtMs - nowMs) / 1000)} s.`,
        );
    }
    return token.accessToken;
}

/**
 * Returns a new access token after the vault rejected `staleToken` with 401. When another
 * caller already renewed it, that token is returned without a new request.
 */
export async function renewAccessToken(
    settings: ProviderSettings,
    scope: string,
    purpose: TokenPurpose,
    staleToken: string,
): Promise<string> {
    const entry = cacheEntry(settings.credentials, scope);
    const current = entry.token;
    if (
        current !== undefined &&
        current.accessToken !== staleToken &&
        system().now() < current.renewAtMs
    ) {
        return current.accessToken;
    }
    if (current?.accessToken === staleToken) {
        entry.token = undefined;
    }
    return (await startOrJoinRequest(entry, settings, scope, purpose)).accessToken;
}
