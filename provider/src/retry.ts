import { RetryLimits } from "./settings";
import { SystemDependencies } from "./state";

/** First delay of the exponential backoff, in milliseconds. */
export const BACKOFF_BASE_MS = 1000;
/** Largest delay of the exponential backoff, in milliseconds. */
export const BACKOFF_CAP_MS = 16_000;
/** Largest delay between retries of a 403 that waits for a role assignment, in milliseconds. */
export const ROLE_ASSIGNMENT_BACKOFF_CAP_MS = 30_000;

/** Reason a failed attempt may be retried. */
export type RetryReason =
    /** 429 or 503: honour `Retry-After` when present. */
    | "throttled"
    /** 500, 502, 504, 429 or 503 without `Retry-After`, connection errors and timeouts. */
    | "transient"
    /** 403 that a role assignment or access policy still being applied would fix. */
    | "access-pending";

/**
 * Parses the delay that a response requests, in milliseconds: `retry-after-ms` and
 * `x-ms-retry-after-ms` (milliseconds), then `Retry-After` as seconds or as an HTTP date.
 * Returns undefined when no header contains a usable value.
 */
export function parseRetryAfterMs(headers: Headers, nowMs: number): number | undefined {
    for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
        const value = headers.get(name);
        if (value !== null && /^\d+(\.\d+)?$/.test(value.trim())) {
            return Math.ceil(Number(value.trim()));
        }
    }
    const retryAfter = headers.get("retry-after");
    if (retryAfter === null || retryAfter.trim() === "") {
        return undefined;
    }
    const text = retryAfter.trim();
    if (/^\d+(\.\d+)?$/.test(text)) {
        return Math.ceil(Number(text) * 1000);
    }
    const date = Date.parse(text);
    if (Number.isNaN(date)) {
        return undefined;
    }
    return Math.max(0, date - nowMs);
}

/**
 * Returns the exponential backoff delay before retry number `retryIndex` (0 for the first
 * retry): 1, 2, 4, 8, 16 s, then 16 s, each scaled by a jitter factor from 0.8 to 1.2.
 */
export function backoffDelayMs(retryIndex: number, random: () => number, capMs = BACKOFF_CAP_MS) {
    const exponential = Math.min(capMs, BACKOFF_BASE_MS * 2 ** Math.min(retryIndex, 30));
    const jitter = 0.8 + 0.4 * random();
    return Math.round(exponential * jitter);
}

/** A decision to retry: how long to wait first, and the attempt number that follows. */
export interface RetryDecision {
    /** Delay before the next attempt, in milliseconds. */
    delayMs: number;
    /** Number of the retry about to be made, starting at 1. */
    retryNumber: number;
}

/**
 * {@link RetryBudget} tracks the retries of one request and decides whether another is allowed.
 *
 * Throttling and transient failures share a count (`maxRetries`) and a total wait
 * (`maxRetryWaitMs`). A 403 that waits for a role assignment has its own window
 * (`roleAssignmentWaitMs`), measured from the first such 403.
 */
export class RetryBudget {
    private retries = 0;
    private waitedMs = 0;
    private accessRetries = 0;
    private accessWindowStartMs?: number;

    constructor(
        private readonly limits: RetryLimits,
        private readonly system: SystemDependencies,
    ) {}

    /** Retries made so far, of every reason. */
    get retryCount(): number {
        return this.retries + this.accessRetries;
    }

    /**
     * Returns how long to wait before the next attempt, or undefined when the budget does not
     * allow one. `requestedDelayMs` is the delay the service asked for (`Retry-After`).
     */
    next(reason: RetryReason, requestedDelayMs?: number): RetryDecision | undefined {
        if (reason === "access-pending") {
            return this.nextAccessRetry();
        }
        if (this.retries >= this.limits.maxRetries) {
            return undefined;
        }
        const delayMs =
            reason === "throttled" && requestedDelayMs !== undefined
                ? requestedDelayMs
                : backoffDelayMs(this.retries, this.system.random);
        if (this.waitedMs + delayMs > this.limits.maxRetryWaitMs) {
            return undefined;
        }
        this.retries += 1;
        this.waitedMs += delayMs;
        return { delayMs, retryNumber: this.retries };
    }

    private nextAccessRetry(): RetryDecision | undefined {
        const now = this.system.now();
        this.accessWindowStartMs ??= now;
        const remainingMs = this.accessWindowStartMs + this.limits.roleAssignmentWaitMs - now;
        if (remainingMs <= 0) {
            return undefined;
        }
        const backoff = backoffDelayMs(
            this.accessRetries,
            this.system.random,
            ROLE_ASSIGNMENT_BACKOFF_CAP_MS,
        );
        this.accessRetries += 1;
        return { delayMs: Math.min(backoff, remainingMs), retryNumber: this.accessRetries };
    }
}

/** Inner codes of a 403 that a role assignment or access policy still being applied explains. */
export const ACCESS_PENDING_CODES: readonly string[] = [
    "ForbiddenByRbac",
    "AccessDenied",
    "ForbiddenByPolicy",
];

/**
 * Returns why a response with this status and Key Vault inner code may be retried, or
 * undefined when it must not be. A 403 for a firewall rule, a disabled secret or purge
 * protection is never retried.
 */
export function retryReasonForResponse(
    statusCode: number,
    innerCode: string | undefined,
    hasRetryAfter: boolean,
): RetryReason | undefined {
    if (statusCode === 429 || statusCode === 503) {
        return hasRetryAfter ? "throttled" : "transient";
    }
    if (statusCode === 408 || statusCode === 500 || statusCode === 502 || statusCode === 504) {
        return "transient";
    }
    if (statusCode === 403 && innerCode !== undefined && ACCESS_PENDING_CODES.includes(innerCode)) {
        return "access-pending";
    }
    return undefined;
}
