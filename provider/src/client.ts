import { getAccessToken, renewAccessToken } from "./auth";
import { scopeForVault } from "./clouds";
import { KeyVaultError } from "./errors";
import { assertCredentialSafeUrl, discardBody, sendOnce } from "./http";
import { logInfo, logWarning } from "./log";
import {
    parseRetryAfterMs,
    RetryBudget,
    RetryDecision,
    RetryReason,
    retryReasonForResponse,
} from "./retry";
import { ProviderSettings } from "./settings";
import { system } from "./state";
import { sameOrigin } from "./urls";
import {
    describeTarget,
    isRetryableNetworkError,
    networkErrorCode,
    readServiceErrorCodes,
    ServiceErrorCodes,
    vaultErrorFromNetworkFailure,
    vaultErrorFromResponse,
    VaultRequestContext,
} from "./vault-errors";

/** The Key Vault data-plane API version this library speaks. */
export const API_VERSION = "2025-07-01";

/** One Key Vault REST request. */
export interface VaultRequest {
    /** HTTP method. */
    method: "GET" | "PUT" | "PATCH" | "POST" | "DELETE";
    /** Path below the vault URL with encoded segments, such as `/secrets/db-password`. */
    path?: string;
    /** Absolute URL of a list page (`nextLink`); it must have the vault's origin. */
    url?: string;
    /** JSON request body. */
    body?: unknown;
    /** Query parameters besides `api-version`. */
    query?: Record<string, string>;
    /**
     * Whether a 403 that a pending role assignment explains (`ForbiddenByRbac`,
     * `AccessDenied`, `ForbiddenByPolicy`) is retried for the role assignment window.
     * Default true. Polls that read a 403 as a result turn it off.
     */
    retryAccessPending?: boolean;
}

/** A successful Key Vault response. */
export interface VaultResponse<T> {
    /** HTTP status, 200-299. */
    status: number;
    /** Parsed JSON body, or undefined when the response has none. */
    body?: T;
    /** The `x-ms-request-id` header. */
    requestId?: string;
}

/** Builds the URL of a request and checks that it may carry a token. */
function requestUrl(context: VaultRequestContext, request: VaultRequest): URL {
    const base = new URL(context.vaultUrl);
    let url: URL;
    if (request.url !== undefined) {
        url = new URL(request.url);
        if (!sameOrigin(url, base)) {
            throw new KeyVaultError(
                `Key Vault returned a next page link outside vault ${context.vaultUrl} while ` +
                    `listing ${describeTarget(context)}; refusing to follow it.`,
                {
                    code: "UnexpectedNextLink",
                    vault: context.vaultUrl,
                    secretName: context.secretName,
                },
            );
        }
    } else {
        url = new URL(request.path ?? "/", base);
        url.searchParams.set("api-version", API_VERSION);
        for (const [name, value] of Object.entries(request.query ?? {})) {
            url.searchParams.set(name, value);
        }
    }
    assertCredentialSafeUrl(url, `vault ${context.vaultUrl}`);
    return url;
}

/**
 * The result of one attempt: a response (with its body text when it succeeded), or the
 * exception that `fetch` or the reading of a successful response's body threw.
 */
type AttemptOutcome =
    | { response: Response; text?: string; networkError?: undefined }
    | { response?: undefined; networkError: unknown };

/** A failed attempt: the error to throw when no retry is allowed, and why it may be retried. */
interface AttemptFailure {
    error: KeyVaultError;
    reason?: RetryReason;
    requestedDelayMs?: number;
    description: string;
}

/**
 * {@link VaultRequestRunner} sends one Key Vault request with a bearer token, renews the token
 * once after a 401, and retries throttling, server errors, connection errors, timeouts and
 * pending role assignments within the budget of the settings.
 */
class VaultRequestRunner {
    private readonly budget: RetryBudget;
    private readonly scope: string;
    private tokenRenewed = false;

    constructor(
        private readonly settings: ProviderSettings,
        private readonly context: VaultRequestContext,
        private readonly request: VaultRequest,
        private readonly url: URL,
    ) {
        this.budget = new RetryBudget(settings.retry, system());
        this.scope = scopeForVault(context.vaultUrl, settings.cloud);
    }

    async run<T>(): Promise<VaultResponse<T>> {
        let token = await getAccessToken(this.settings, this.scope, this.context);
        for (;;) {
            const outcome = await this.send(token);
            const response = outcome.response;
            if (response?.ok) {
                return parseSuccess<T>(response, outcome.text ?? "", this.context);
            }
            if (response?.status === 401 && !this.tokenRenewed) {
                this.tokenRenewed = true;
                await discardBody(response);
                token = await renewAccessToken(this.settings, this.scope, this.context, token);
                continue;
            }
            const failure =
                response !== undefined
                    ? await this.describeResponse(response)
                    : this.describeNetworkFailure(outcome.networkError);
            const retry = this.nextRetry(failure);
            if (retry === undefined) {
                throw failure.error;
            }
            this.logRetry(failure, retry);
            await system().sleep(retry.delayMs);
        }
    }

    /**
     * Sends one attempt; returns the response, or the exception when none arrived. The body of
     * a successful response is read here, because a connection that closes or times out while
     * the body arrives fails the attempt like one that closes before the headers.
     */
    private async send(token: string): Promise<AttemptOutcome> {
        const headers: Record<string, string> = { authorization: `Bearer ${token}` };
        let body: string | undefined;
        if (this.request.body !== undefined) {
            headers["content-type"] = "application/json";
            body = JSON.stringify(this.request.body);
        }
        const init: RequestInit = { method: this.request.method, headers, body };
        try {
            const response = await sendOnce(
                this.url.toString(),
                init,
                this.settings.requestTimeoutMs,
            );
            return response.ok ? { response, text: await response.text() } : { response };
        } catch (error) {
            return { networkError: error };
        }
    }

    private async describeResponse(response: Response): Promise<AttemptFailure> {
        const codes: ServiceErrorCodes = await readServiceErrorCodes(response);
        const requestId = response.headers.get("x-ms-request-id") ?? undefined;
        const requestedDelayMs = parseRetryAfterMs(response.headers, system().now());
        let reason = retryReasonForResponse(
            response.status,
            codes.innerCode,
            requestedDelayMs !== undefined,
        );
        if (reason === "access-pending" && this.request.retryAccessPending === false) {
            reason = undefined;
        }
        const expectedTenant = tenantFromChallenge(response.headers.get("www-authenticate"));
        const facts = { retries: this.budget.retryCount, requestId, expectedTenant };
        const error = vaultErrorFromResponse(this.context, response.status, codes, facts);
        const codeText = [codes.code, codes.innerCode].filter(Boolean).join("/");
        const description =
            `HTTP ${response.status}${codeText ? ` (${codeText})` : ""}` +
            `${requestId ? `, request ID ${requestId}` : ""}`;
        return { error, reason, requestedDelayMs, description };
    }

    private describeNetworkFailure(networkError: unknown): AttemptFailure {
        const code = networkErrorCode(networkError);
        const error = vaultErrorFromNetworkFailure(
            this.context,
            code,
            this.budget.retryCount,
            this.settings.requestTimeoutMs,
        );
        const reason = isRetryableNetworkError(code) ? "transient" : undefined;
        return { error, reason, description: code };
    }

    private nextRetry(failure: AttemptFailure): RetryDecision | undefined {
        if (failure.reason === undefined) {
            return undefined;
        }
        return this.budget.next(failure.reason, failure.requestedDelayMs);
    }

    private logRetry(failure: AttemptFailure, retry: RetryDecision): void {
        const seconds = (retry.delayMs / 1000).toFixed(1);
        const prefix = `Key Vault ${this.context.operation} of ${describeTarget(this.context)}`;
        if (failure.reason === "access-pending") {
            const windowSeconds = this.settings.retry.roleAssignmentWaitMs / 1000;
            logWarning(
                `${prefix} was denied: ${failure.description}. Waiting up to ${windowSeconds} s ` +
                    `for a role assignment or access policy to apply; retry ${retry.retryNumber} ` +
                    `in ${seconds} s.`,
            );
            return;
        }
        logInfo(
            `${prefix} failed: ${failure.description}; retry ${retry.retryNumber} of ` +
                `${this.settings.retry.maxRetries} in ${seconds} s.`,
        );
    }
}

/** Parses the body text of a successful response as JSON; an empty body gives undefined. */
function parseSuccess<T>(
    response: Response,
    text: string,
    context: VaultRequestContext,
): VaultResponse<T> {
    const requestId = response.headers.get("x-ms-request-id") ?? undefined;
    if (text.trim() === "") {
        return { status: response.status, requestId };
    }
    try {
        return { status: response.status, body: JSON.parse(text) as T, requestId };
    } catch {
        throw new KeyVaultError(
            `Key Vault ${context.operation} of ${describeTarget(context)} returned HTTP ` +
                `${response.status} with a body that is not JSON` +
                `${requestId ? ` (request ID ${requestId})` : ""}. Check the vault URL.`,
            { statusCode: response.status, code: "InvalidResponse", vault: context.vaultUrl },
        );
    }
}

/**
 * Returns the tenant named by a Key Vault 401 challenge
 * (`Bearer authorization="https://login.windows.net/{tenant}", resource="…"`), if any.
 */
export function tenantFromChallenge(header: string | null): string | undefined {
    const match = header === null ? null : /authorization(?:_uri)?="([^"]+)"/i.exec(header);
    if (match === null) {
        return undefined;
    }
    try {
        const tenant = new URL(match[1]).pathname.split("/").filter(Boolean)[0];
        return tenant !== undefined && /^[A-Za-z0-9.-]{1,100}$/.test(tenant) ? tenant : undefined;
    } catch {
        return undefined;
    }
}

/**
 * Sends a Key Vault request and returns the successful response. Throws a
 * {@link KeyVaultError} for an error response or when retries run out.
 */
export async function sendVaultRequest<T>(
    settings: ProviderSettings,
    context: VaultRequestContext,
    request: VaultRequest,
): Promise<VaultResponse<T>> {
    const url = requestUrl(context, request);
    return new VaultRequestRunner(settings, context, request, url).run<T>();
}
