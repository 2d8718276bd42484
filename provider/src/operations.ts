import { readLatestSecret } from "./latest";
import {
    comparableDate,
    dropUndefined,
    outputsAfterWrite,
    outputsFromVault,
    parseSecretId,
    pickInputs,
    pickOutputs,
    SecretInputs,
    SecretOutputs,
    updateSecretBody,
} from "./model";
import { SecretTarget, updateSecretVersion } from "./secrets-api";
import { requireSettings } from "./settings";
import { writeSecretVersion } from "./write";

/** Returns the target of requests about the secret that `properties` describe. */
export function secretTarget(
    properties: Pick<SecretInputs, "vaultUrl" | "secretName">,
): SecretTarget {
    return {
        settings: requireSettings(),
        vaultUrl: properties.vaultUrl,
        secretName: properties.secretName,
    };
}

/** The result of {@link createSecret}: the Pulumi ID and the outputs. */
export interface CreatedSecret {
    /** The versionless secret URI, which stays the same across updates. */
    id: string;
    /** The outputs. */
    outs: SecretOutputs;
}

/**
 * Creates the secret: `PUT /secrets/{name}` with the value and every declared property, with
 * the soft-delete handling of {@link writeSecretVersion}. Needs the `set` permission (role
 * Key Vault Secrets Officer), plus `recover` and `get` when a soft-deleted secret is recovered.
 */
export async function createSecret(properties: object): Promise<CreatedSecret> {
    const inputs = pickInputs(properties);
    const bundle = await writeSecretVersion(secretTarget(inputs), inputs);
    const outs = outputsAfterWrite(inputs, bundle);
    return { id: outs.versionlessId, outs };
}

/** The result of {@link readSecret}, shaped as Pulumi's `ReadResult`. */
export interface ReadSecretResult {
    /** The resource ID, or "" when the secret is gone, which removes it from the state. */
    id: string;
    /** The outputs as the vault has them. */
    props?: SecretOutputs;
    /** The inputs rebuilt from the vault, so out-of-band changes show as drift. */
    inputs?: SecretInputs;
}

/**
 * Reads the latest version of the secret for `pulumi refresh`. A secret that is missing,
 * soft-deleted or purged returns an empty ID. Needs the `get` permission (role Key Vault
 * Secrets User), and `list` for a disabled secret.
 */
export async function readSecret(id: string, properties: object): Promise<ReadSecretResult> {
    const previous = pickOutputs(properties);
    const latest = await readLatestSecret(secretTarget(previous));
    if (latest === undefined) {
        return { id: "" };
    }
    // The value of a disabled version cannot be read, so the stored value is kept. A value
    // changed out of band while the secret is disabled shows only once it is enabled again.
    const value = latest.valueKnown ? (latest.bundle.value as string) : previous.value;
    const props = outputsFromVault(previous, latest.bundle, value);
    return { id: id || props.versionlessId, props, inputs: pickInputs(props) };
}

/** Kind of request that applies an update: none, a PATCH of the version, or a new version. */
export type UpdatePlan = "none" | "patch" | "put";

/**
 * Chooses the request for an update. A value change, or a removed content type or date, needs
 * a new version (PUT), because a PATCH leaves unchanged every field it does not send. Other
 * property changes PATCH the current version. Changes of provider options, or of the case of
 * the secret name, send nothing.
 */
export function planUpdate(olds: SecretOutputs, news: SecretInputs): UpdatePlan {
    if (olds.value !== news.value) {
        return "put";
    }
    const removed =
        (olds.contentType !== undefined && news.contentType === undefined) ||
        (olds.notBefore !== undefined && news.notBefore === undefined) ||
        (olds.expiresOn !== undefined && news.expiresOn === undefined);
    if (removed) {
        return "put";
    }
    const tags = (value: Record<string, string> | undefined) =>
        JSON.stringify(Object.entries(value ?? {}).sort());
    const metadataChanged =
        olds.contentType !== news.contentType ||
        tags(olds.tags) !== tags(news.tags) ||
        (olds.enabled ?? true) !== news.enabled ||
        comparableDate(olds.notBefore) !== comparableDate(news.notBefore) ||
        comparableDate(olds.expiresOn) !== comparableDate(news.expiresOn);
    return metadataChanged ? "patch" : "none";
}

/** The result of {@link updateSecret}, shaped as Pulumi's `UpdateResult`. */
export interface UpdatedSecret {
    /** The outputs. */
    outs: SecretOutputs;
}

/**
 * Applies new inputs as {@link planUpdate} chooses. A PATCH goes to the stored version only
 * while it is still the latest. When the secret changed out of band or was deleted, a new
 * version is put instead. Needs `set` (role Key Vault Secrets Officer).
 */
export async function updateSecret(
    oldProperties: object,
    newProperties: object,
): Promise<UpdatedSecret> {
    const olds = pickOutputs(oldProperties);
    const news = pickInputs(newProperties);
    const plan = planUpdate(olds, news);
    if (plan === "none") {
        return { outs: dropUndefined({ ...olds, ...news }) as SecretOutputs };
    }
    const target = secretTarget(news);
    if (plan === "patch") {
        const latest = await readLatestSecret(target);
        const latestVersion =
            latest?.bundle.id === undefined ? undefined : parseSecretId(latest.bundle.id).version;
        if (latestVersion !== undefined && latestVersion === olds.version) {
            const bundle = await updateSecretVersion(target, olds.version, updateSecretBody(news));
            return { outs: outputsAfterWrite(news, bundle) };
        }
    }
    const bundle = await writeSecretVersion(target, news);
    return { outs: outputsAfterWrite(news, bundle) };
}
