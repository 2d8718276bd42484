import { KeyVaultError } from "./errors";
import { logInfo } from "./log";
import { SecretTarget } from "./secrets-api";
import { system } from "./state";
import { describeTarget } from "./vault-errors";

/** First delay between two polls, in milliseconds. */
export const POLL_INITIAL_DELAY_MS = 1000;
/** Largest delay between two polls, in milliseconds. */
export const POLL_MAX_DELAY_MS = 10_000;

/**
 * {@link PollSchedule} spaces the polls of one wait: delays of 1, 2, 4, 8, then 10 s, for at
 * most the operation timeout of the settings. `goal` completes the sentence "waiting for the
 * secret to …" in the first log line and in the timeout error.
 */
export class PollSchedule {
    private readonly deadline: number;
    private delayMs = POLL_INITIAL_DELAY_MS;
    private polls = 0;

    constructor(
        private readonly target: SecretTarget,
        private readonly goal: string,
    ) {
        this.deadline = system().now() + target.settings.operationTimeoutMs;
    }

    /**
     * Sleeps until the next poll. Throws a {@link KeyVaultError} with code `OperationTimedOut`
     * when the operation timeout has passed.
     */
    async pause(): Promise<void> {
        const remainingMs = this.deadline - system().now();
        if (remainingMs <= 0) {
            throw waitTimeoutError(this.target, this.goal);
        }
        if (this.polls === 0) {
            const seconds = this.target.settings.operationTimeoutMs / 1000;
            logInfo(
                `Waiting up to ${seconds} s for ${describeTarget(this.target)} to ${this.goal}.`,
            );
        }
        this.polls += 1;
        await system().sleep(Math.min(this.delayMs, remainingMs));
        this.delayMs = Math.min(this.delayMs * 2, POLL_MAX_DELAY_MS);
    }
}

/** Polls `probe` on a {@link PollSchedule} until it returns true. */
export async function waitUntil(
    target: SecretTarget,
    goal: string,
    probe: () => Promise<boolean>,
): Promise<void> {
    const schedule = new PollSchedule(target, goal);
    while (!(await probe())) {
        await schedule.pause();
    }
}

function waitTimeoutError(target: SecretTarget, goal: string): KeyVaultError {
    const seconds = target.settings.operationTimeoutMs / 1000;
    return new KeyVaultError(
        `Timed out after ${seconds} s waiting for ${describeTarget(target)} to ${goal}. Run ` +
            "again later, or wait longer with azure-keyvault:operationTimeoutSeconds or " +
            "AZURE_KEYVAULT_OPERATION_TIMEOUT_SECONDS.",
        { code: "OperationTimedOut", vault: target.vaultUrl, secretName: target.secretName },
    );
}
