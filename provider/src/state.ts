/**
 * Process-wide state of the library: the stack configuration captured by the provider's
 * `configure` hook, the access-token cache, the log sink and the clock.
 *
 * The state lives on `globalThis` under one fixed key, never in a module-level variable.
 * Pulumi serializes the dynamic provider into the stack state. When the library is loaded from
 * a local path instead of `node_modules`, the serializer copies module-level variables by
 * value, so credentials kept in one would land in the state. A property of `globalThis` is
 * serialized as a reference to `global`, so its contents never do.
 */

/** Injectable time, randomness and transport, replaced by unit tests. */
export interface SystemDependencies {
    /** Current time in milliseconds since the Unix epoch. */
    now(): number;
    /** Resolves after `milliseconds`. */
    sleep(milliseconds: number): Promise<void>;
    /** A number in [0, 1), used for retry jitter. */
    random(): number;
    /** The `fetch` implementation used for every HTTP request. */
    fetch: typeof fetch;
}

/** A cached OAuth access token for one authority, tenant, client and scope. */
export interface CachedToken {
    /** The bearer token. */
    accessToken: string;
    /** When the token expires, in milliseconds since the Unix epoch. */
    expiresAtMs: number;
    /** When the token should be renewed, in milliseconds since the Unix epoch. */
    renewAtMs: number;
}

/** An entry of the token cache: the current token and the request that renews it, if any. */
export interface TokenCacheEntry {
    /** The last token received, if any. */
    token?: CachedToken;
    /** The token request in flight, shared by every caller that needs a new token. */
    pending?: Promise<CachedToken>;
}

/** A function that writes one log line at the given severity. */
export type LogSink = (severity: "info" | "warn", message: string) => void;

/** The whole process-wide state. */
export interface LibraryState {
    /** Stack configuration values by full key (`namespace:name`), or undefined before configure. */
    stackConfig?: Record<string, string>;
    /** Access tokens by cache key. */
    tokens: Map<string, TokenCacheEntry>;
    /** The system dependencies in use. */
    system: SystemDependencies;
    /** Destination of log lines; undefined means `pulumi.log`. */
    logSink?: LogSink;
}

const STATE_KEY = "__pulumiAzureKeyVaultSecretState";

/** Returns the real clock, timers, `Math.random` and the built-in `fetch`. */
export function defaultSystem(): SystemDependencies {
    return {
        now: () => Date.now(),
        sleep: (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)),
        random: () => Math.random(),
        fetch: (input, init) => globalThis.fetch(input, init),
    };
}

/** Returns the process-wide state, creating it on first use. */
export function libraryState(): LibraryState {
    const holder = globalThis as unknown as Record<string, LibraryState | undefined>;
    let state = holder[STATE_KEY];
    if (state === undefined) {
        state = { tokens: new Map(), system: defaultSystem() };
        holder[STATE_KEY] = state;
    }
    return state;
}

/** Returns the system dependencies in use. */
export function system(): SystemDependencies {
    return libraryState().system;
}

/**
 * Replaces some system dependencies, for tests. Returns a function that restores the
 * previous ones.
 */
export function overrideSystem(overrides: Partial<SystemDependencies>): () => void {
    const state = libraryState();
    const previous = state.system;
    state.system = { ...previous, ...overrides };
    return () => {
        state.system = previous;
    };
}

/** Clears the stack configuration and the token cache, for tests. */
export function resetLibraryState(): void {
    const state = libraryState();
    state.stackConfig = undefined;
    state.tokens.clear();
}
