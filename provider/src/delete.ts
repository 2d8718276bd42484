import { hasKeyVaultStatus, isKeyVaultError } from "./errors";
import { logInfo, logWarning } from "./log";
import { pickOutputs, WireDeletedSecretBundle } from "./model";
import { secretTarget } from "./operations";
import { deleteSecret, getDeletedSecret, purgeDeletedSecret, SecretTarget } from "./secrets-api";
import { describeTarget } from "./vault-errors";
import { PollSchedule, waitUntil } from "./wait";

/**
 * Deletes the secret (`DELETE /secrets/{name}`, every version). A secret that is already gone
 * (404) counts as deleted. On a vault with soft delete it then waits until the deleted secret
 * is visible, so that a create of the same name right after finds it and recovers it. With
 * `purgeOnDelete` it purges the deleted secret and waits until the name is free. A 403 on the
 * purge (purge protection) is logged as a warning, and the delete still succeeds.
 * Needs `delete`, `get` on deleted secrets and, to purge, `purge` (role Key Vault Secrets Officer).
 */
export async function deleteSecretResource(properties: object): Promise<void> {
    const props = pickOutputs(properties);
    const target = secretTarget(props);
    const deleted = await deleteIfPresent(target);
    if (deleted === undefined) {
        if (props.purgeOnDelete) {
            await purgeSecret(target);
        }
        return;
    }
    if (deleted.recoveryId === undefined) {
        // A vault without soft delete keeps nothing, so the name is free at once.
        return;
    }
    await waitUntil(target, "appear among the deleted secrets", () => deletedSecretVisible(target));
    if (props.purgeOnDelete) {
        await purgeSecret(target);
    }
}

async function deleteIfPresent(target: SecretTarget): Promise<WireDeletedSecretBundle | undefined> {
    try {
        return await deleteSecret(target);
    } catch (error) {
        if (hasKeyVaultStatus(error, 404)) {
            logInfo(`The ${describeTarget(target)} was already deleted.`);
            return undefined;
        }
        throw error;
    }
}

/**
 * Returns whether the deleted secret is visible. A 403 means the caller may not read deleted
 * secrets, which leaves nothing to wait for, so it counts as visible.
 */
async function deletedSecretVisible(target: SecretTarget): Promise<boolean> {
    try {
        await getDeletedSecret(target);
        return true;
    } catch (error) {
        if (hasKeyVaultStatus(error, 404)) {
            return false;
        }
        if (hasKeyVaultStatus(error, 403)) {
            logInfo(
                `Not waiting for the deleted ${describeTarget(target)}: reading deleted ` +
                    "secrets is forbidden.",
            );
            return true;
        }
        throw error;
    }
}

/** Returns whether the name is free, that is, no deleted secret uses it. */
async function nameIsFree(target: SecretTarget): Promise<boolean> {
    try {
        await getDeletedSecret(target);
        return false;
    } catch (error) {
        if (hasKeyVaultStatus(error, 404) || hasKeyVaultStatus(error, 403)) {
            return true;
        }
        throw error;
    }
}

/** Purges the deleted secret and waits until the name is free. */
async function purgeSecret(target: SecretTarget): Promise<void> {
    const schedule = new PollSchedule(target, "finish its deletion so that it can be purged");
    for (;;) {
        try {
            await purgeDeletedSecret(target);
            break;
        } catch (error) {
            if (hasKeyVaultStatus(error, 404)) {
                return;
            }
            if (hasKeyVaultStatus(error, 403)) {
                warnPurgeForbidden(target, error);
                return;
            }
            if (!hasKeyVaultStatus(error, 409)) {
                throw error;
            }
            await schedule.pause();
        }
    }
    await waitUntil(target, "be purged", () => nameIsFree(target));
}

function warnPurgeForbidden(target: SecretTarget, error: unknown): void {
    const requestId =
        isKeyVaultError(error) && error.requestId ? `, request ID ${error.requestId}` : "";
    logWarning(
        `Purge of the deleted ${describeTarget(target)} was denied (HTTP 403${requestId}): the ` +
            "vault has purge protection or the client lacks the purge permission. The secret " +
            "stays soft-deleted until its scheduled purge date; the delete is complete.",
    );
}
