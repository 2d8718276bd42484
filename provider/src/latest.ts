import { hasKeyVaultStatus } from "./errors";
import { WireSecretBundle } from "./model";
import { getSecret, listSecretVersions, SecretTarget } from "./secrets-api";

/** The latest version of a secret as the vault has it. */
export interface LatestSecret {
    /** The bundle; it has no `value` when the latest version is disabled. */
    bundle: WireSecretBundle;
    /** Whether `bundle.value` is the vault's value. */
    valueKnown: boolean;
}

/**
 * Reads the latest version of the secret, or returns undefined when the vault has none
 * (404: never created, deleted, soft-deleted or purged).
 *
 * For a disabled latest version, `GET /secrets/{name}` returns 403 `SecretDisabled` and its
 * value cannot be read at all, so its properties come from the version list instead.
 */
export async function readLatestSecret(target: SecretTarget): Promise<LatestSecret | undefined> {
    try {
        const bundle = await getSecret(target);
        return { bundle, valueKnown: typeof bundle.value === "string" };
    } catch (error) {
        if (hasKeyVaultStatus(error, 404)) {
            return undefined;
        }
        if (!hasKeyVaultStatus(error, 403, "SecretDisabled")) {
            throw error;
        }
    }
    const newest = newestVersion(await listSecretVersions(target));
    return newest === undefined ? undefined : { bundle: newest, valueKnown: false };
}

/**
 * Returns the most recently created version, which Key Vault serves as the latest. Ties on
 * the creation second are broken by the update time, then by the version ID.
 */
export function newestVersion(items: WireSecretBundle[]): WireSecretBundle | undefined {
    let newest: WireSecretBundle | undefined;
    for (const item of items) {
        if (newest === undefined || compareVersions(item, newest) > 0) {
            newest = item;
        }
    }
    return newest;
}

function compareVersions(left: WireSecretBundle, right: WireSecretBundle): number {
    const created = (left.attributes?.created ?? 0) - (right.attributes?.created ?? 0);
    if (created !== 0) {
        return created;
    }
    const updated = (left.attributes?.updated ?? 0) - (right.attributes?.updated ?? 0);
    if (updated !== 0) {
        return updated;
    }
    return (left.id ?? "") < (right.id ?? "") ? -1 : 1;
}
