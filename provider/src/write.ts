import { hasKeyVaultStatus } from "./errors";
import { logInfo } from "./log";
import { SecretInputs, setSecretBody, WireSecretBundle } from "./model";
import { getSecret, recoverDeletedSecret, SecretTarget, setSecret } from "./secrets-api";
import { describeTarget } from "./vault-errors";
import { PollSchedule, waitUntil } from "./wait";

/** Key Vault 409 inner codes for a deletion or recovery that is still running. */
const PENDING_CONFLICT_CODES = ["ObjectIsBeingDeleted", "ObjectIsBeingRecovered"];

/** Key Vault 409 inner code for a name held by a soft-deleted secret. */
const DELETED_BUT_RECOVERABLE = "ObjectIsDeletedButRecoverable";

/** Recoveries tried by one write before the last conflict is reported. */
const MAX_RECOVERIES = 3;

function isPendingConflict(error: unknown): boolean {
    return PENDING_CONFLICT_CODES.some((code) => hasKeyVaultStatus(error, 409, code));
}

/**
 * Creates a new version of the secret with the value and every declared property
 * (`PUT /secrets/{name}`).
 *
 * When a soft-deleted secret uses the name (409 `ObjectIsDeletedButRecoverable`) and
 * `recoverSoftDeleted` is true, it recovers that secret, waits until it can be read, and puts
 * the declared value as a new version. When `recoverSoftDeleted` is false, it throws the 409
 * error, whose message names the `az` commands that recover or purge. While a deletion or
 * recovery is still running (409 `ObjectIsBeingDeleted` or `ObjectIsBeingRecovered`), it waits
 * and tries again, up to the operation timeout.
 */
export async function writeSecretVersion(
    target: SecretTarget,
    inputs: SecretInputs,
): Promise<WireSecretBundle> {
    const schedule = new PollSchedule(target, "finish a pending deletion or recovery");
    let recoveries = 0;
    for (;;) {
        try {
            return await setSecret(target, setSecretBody(inputs));
        } catch (error) {
            const deleted = hasKeyVaultStatus(error, 409, DELETED_BUT_RECOVERABLE);
            if (deleted && inputs.recoverSoftDeleted && recoveries < MAX_RECOVERIES) {
                recoveries += 1;
                await recoverSecret(target);
                continue;
            }
            if (!isPendingConflict(error)) {
                throw error;
            }
            await schedule.pause();
        }
    }
}

/**
 * Recovers the soft-deleted secret and waits until `GET /secrets/{name}` finds it: right after
 * a recovery the vault returns 404 for a while. A 403 `SecretDisabled` also means it is back.
 */
async function recoverSecret(target: SecretTarget): Promise<void> {
    logInfo(
        `Recovering the soft-deleted ${describeTarget(target)} because recoverSoftDeleted is ` +
            "true; the declared value is then set as a new version.",
    );
    const schedule = new PollSchedule(target, "finish its deletion so that it can be recovered");
    for (;;) {
        try {
            await recoverDeletedSecret(target);
            break;
        } catch (error) {
            if (hasKeyVaultStatus(error, 404)) {
                // Purged or recovered meanwhile, so nothing is left to recover: the PUT decides.
                return;
            }
            if (!isPendingConflict(error)) {
                throw error;
            }
            await schedule.pause();
        }
    }
    await waitUntil(target, "become readable after its recovery", () => secretIsReadable(target));
}

async function secretIsReadable(target: SecretTarget): Promise<boolean> {
    try {
        await getSecret(target);
        return true;
    } catch (error) {
        if (hasKeyVaultStatus(error, 404)) {
            return false;
        }
        if (hasKeyVaultStatus(error, 403, "SecretDisabled")) {
            return true;
        }
        throw error;
    }
}
