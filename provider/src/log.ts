import * as pulumi from "@pulumi/pulumi";

import { libraryState, LogSink } from "./state";

/**
 * Writes a log line through `pulumi.log`.
 *
 * The dynamic provider host of `@pulumi/pulumi` 3.276 (`cmd/dynamic-provider`) receives the
 * engine address as an argument but does not pass it to `pulumi.log`, and
 * `PULUMI_NODEJS_ENGINE` is unset in that process. There `pulumi.log.info` prints
 * `info: [runtime] ...` to stdout and `pulumi.log.warn` prints `warning: [runtime] ...` to
 * stderr. The CLI forwards both streams of a provider plugin as diagnostics that are not
 * attached to a resource, so every message names the vault and the secret itself.
 */
function writeToPulumiLog(severity: "info" | "warn", message: string): void {
    // A failed delivery, thrown or rejected, is dropped so that logging cannot fail the
    // operation that logs.
    try {
        const delivery = severity === "warn" ? pulumi.log.warn(message) : pulumi.log.info(message);
        delivery.catch(() => undefined);
    } catch {
        // Nothing else can report it: this is the logger.
    }
}

function sink(): LogSink {
    return libraryState().logSink ?? writeToPulumiLog;
}

/** Logs an informational message. The message must contain no secret value, token or body. */
export function logInfo(message: string): void {
    sink()("info", message);
}

/** Logs a warning. The message must contain no secret value, token or body. */
export function logWarning(message: string): void {
    sink()("warn", message);
}

/**
 * Sends log lines to `logSink` instead of `pulumi.log`, for tests. Returns a function that
 * restores the previous sink.
 */
export function captureLogs(logSink: LogSink): () => void {
    const state = libraryState();
    const previous = state.logSink;
    state.logSink = logSink;
    return () => {
        state.logSink = previous;
    };
}
