import { vaultNameFromUrl } from "./clouds";
import { canonicalDate, formatEpochSeconds, parseRfc3339 } from "./dates";
import { KeyVaultError } from "./errors";

/** The value the Pulumi engine sends for an input that is unknown during a preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Resource inputs after `check`: validated, with defaults filled in. */
export interface SecretInputs {
    /** Normalized vault URL, derived from `vaultName` when that was given. */
    vaultUrl: string;
    /** Vault name, as the program gave it or derived from a standard vault URL. */
    vaultName?: string;
    /** Secret name. */
    secretName: string;
    /** Secret value. */
    value: string;
    /** Content type. */
    contentType?: string;
    /** Tags. */
    tags?: Record<string, string>;
    /** Whether the secret is enabled. */
    enabled: boolean;
    /** Canonical RFC 3339 date before which the secret cannot be read. */
    notBefore?: string;
    /** Canonical RFC 3339 date after which the secret cannot be read. */
    expiresOn?: string;
    /** Whether `create` recovers a soft-deleted secret of the same name. */
    recoverSoftDeleted: boolean;
    /** Whether `delete` purges the secret after deleting it. */
    purgeOnDelete: boolean;
}

/** Resource outputs: the inputs plus what the vault computed. */
export interface SecretOutputs extends SecretInputs {
    /** Versioned secret URI: `https://{vault}/secrets/{name}/{version}`. */
    versionedId: string;
    /** Versionless secret URI: `https://{vault}/secrets/{name}`. */
    versionlessId: string;
    /** Current version: 32 lowercase hexadecimal characters. */
    version: string;
    /** Creation date of the current version, RFC 3339. */
    createdOn?: string;
    /** Last update date of the current version, RFC 3339. */
    updatedOn?: string;
    /** Deletion recovery level, such as `Recoverable+Purgeable`. */
    recoveryLevel?: string;
    /** Days a deleted secret stays recoverable. */
    recoverableDays?: number;
}

/** Key Vault `SecretAttributes`; dates are whole seconds since the Unix epoch. */
export interface WireSecretAttributes {
    /** Whether the version can be read. */
    enabled?: boolean;
    /** Not-before date. */
    nbf?: number;
    /** Expiry date. */
    exp?: number;
    /** Creation date (read-only). */
    created?: number;
    /** Last update date (read-only). */
    updated?: number;
    /** Deletion recovery level (read-only). */
    recoveryLevel?: string;
    /** Days a deleted secret stays recoverable (read-only). */
    recoverableDays?: number;
}

/** Key Vault `SecretBundle`, also the shape of a list item (which has no value). */
export interface WireSecretBundle {
    /** Secret value; absent in list items, PATCH responses and recover responses. */
    value?: string;
    /** Versioned secret URI. */
    id?: string;
    /** Content type. */
    contentType?: string;
    /** Tags. */
    tags?: Record<string, string>;
    /** Attributes. */
    attributes?: WireSecretAttributes;
    /** Whether a certificate manages the secret. */
    managed?: boolean;
}

/** Key Vault `DeletedSecretBundle`. */
export interface WireDeletedSecretBundle extends WireSecretBundle {
    /** URI of the deleted secret; present when the vault keeps deleted secrets (soft delete). */
    recoveryId?: string;
    /** Deletion date, in seconds since the Unix epoch. */
    deletedDate?: number;
    /** Date of the scheduled purge, in seconds since the Unix epoch. */
    scheduledPurgeDate?: number;
}

/** One page of a Key Vault list. */
export interface WireSecretListPage {
    /** Items of this page; may be empty even when more pages follow. */
    value?: WireSecretBundle[];
    /** Absolute URL of the next page, or null after the last one. */
    nextLink?: string | null;
}

/** Body of `PUT /secrets/{name}`. */
export interface WireSetSecretBody {
    /** Secret value. */
    value: string;
    /** Content type. */
    contentType?: string;
    /** Tags; a new version has only the tags sent with it. */
    tags?: Record<string, string>;
    /** Attributes `enabled`, `nbf` and `exp`. */
    attributes: WireSecretAttributes;
}

function wireAttributes(inputs: SecretInputs): WireSecretAttributes {
    const attributes: WireSecretAttributes = { enabled: inputs.enabled };
    if (inputs.notBefore !== undefined) {
        attributes.nbf = epochSecondsOf(inputs.notBefore);
    }
    if (inputs.expiresOn !== undefined) {
        attributes.exp = epochSecondsOf(inputs.expiresOn);
    }
    return attributes;
}

function epochSecondsOf(date: string): number {
    const parsed = parseRfc3339(date);
    if (parsed.problem !== undefined) {
        throw new Error(`Invalid date ${date}: ${parsed.problem}.`);
    }
    return parsed.epochSeconds;
}

/** Returns the body of a PUT that sets the value and every declared property. */
export function setSecretBody(inputs: SecretInputs): WireSetSecretBody {
    const body: WireSetSecretBody = { value: inputs.value, attributes: wireAttributes(inputs) };
    if (inputs.contentType !== undefined) {
        body.contentType = inputs.contentType;
    }
    if (inputs.tags !== undefined) {
        body.tags = inputs.tags;
    }
    return body;
}

/**
 * Returns the body of a PATCH that sets the declared properties of a version. Tags are always
 * sent, as `{}` when none are declared, because a PATCH leaves out what it is not given.
 */
export function updateSecretBody(inputs: SecretInputs): Omit<WireSetSecretBody, "value"> {
    const body: Omit<WireSetSecretBody, "value"> = {
        attributes: wireAttributes(inputs),
        tags: inputs.tags ?? {},
    };
    if (inputs.contentType !== undefined) {
        body.contentType = inputs.contentType;
    }
    return body;
}

/** The parts of a versioned secret URI. */
export interface SecretId {
    /** The whole URI: `https://{vault}/secrets/{name}/{version}`. */
    versionedId: string;
    /** The URI without version: `https://{vault}/secrets/{name}`. */
    versionlessId: string;
    /** The version. */
    version: string;
}

/**
 * Splits `https://{vault}/secrets/{name}/{version}` into its parts. Throws a
 * {@link KeyVaultError} with code `InvalidResponse` for any other ID.
 */
export function parseSecretId(id: string): SecretId {
    const url = URL.canParse(id) ? new URL(id) : undefined;
    const segments = url?.pathname.split("/").filter(Boolean) ?? [];
    if (url === undefined || segments.length !== 3 || segments[0] !== "secrets") {
        throw new KeyVaultError(
            `Key Vault returned the secret ID "${id}", which is not a versioned secret URI ` +
                "(https://{vault}/secrets/{name}/{version}). Check that the vault URL is right.",
            { code: "InvalidResponse" },
        );
    }
    return {
        versionedId: id,
        versionlessId: `${url.origin}/secrets/${segments[1]}`,
        version: segments[2],
    };
}

function computedOutputs(bundle: WireSecretBundle) {
    const attributes = bundle.attributes ?? {};
    return dropUndefined({
        ...parseSecretId(bundle.id ?? ""),
        createdOn:
            attributes.created === undefined ? undefined : formatEpochSeconds(attributes.created),
        updatedOn:
            attributes.updated === undefined ? undefined : formatEpochSeconds(attributes.updated),
        recoveryLevel: attributes.recoveryLevel,
        recoverableDays: attributes.recoverableDays,
    });
}

/**
 * Returns the outputs after a write: declared properties from `inputs`, the rest from
 * `bundle`, and `vaultName` derived from a vault URL under a known suffix when not declared.
 */
export function outputsAfterWrite(inputs: SecretInputs, bundle: WireSecretBundle): SecretOutputs {
    const vaultName = inputs.vaultName ?? vaultNameFromUrl(inputs.vaultUrl);
    return dropUndefined({ ...inputs, vaultName, ...computedOutputs(bundle) }) as SecretOutputs;
}

/**
 * Returns the outputs after a read: every property from the vault, so out-of-band changes show
 * as drift. `value` is the vault's value, or the stored one when the vault did not return it.
 */
export function outputsFromVault(
    previous: SecretOutputs,
    bundle: WireSecretBundle,
    value: string,
): SecretOutputs {
    const attributes = bundle.attributes ?? {};
    const tags =
        bundle.tags !== undefined && Object.keys(bundle.tags).length > 0 ? bundle.tags : undefined;
    return dropUndefined({
        ...previous,
        value,
        contentType: bundle.contentType === "" ? undefined : bundle.contentType,
        tags,
        enabled: attributes.enabled ?? true,
        notBefore: attributes.nbf === undefined ? undefined : formatEpochSeconds(attributes.nbf),
        expiresOn: attributes.exp === undefined ? undefined : formatEpochSeconds(attributes.exp),
        ...computedOutputs(bundle),
    }) as SecretOutputs;
}

/** The names of the input properties, in the order they are declared. */
export const INPUT_NAMES = [
    "vaultUrl",
    "vaultName",
    "secretName",
    "value",
    "contentType",
    "tags",
    "enabled",
    "notBefore",
    "expiresOn",
    "recoverSoftDeleted",
    "purgeOnDelete",
] as const;

/** The names of the properties that only outputs have. */
export const COMPUTED_NAMES = [
    "versionedId",
    "versionlessId",
    "version",
    "createdOn",
    "updatedOn",
    "recoveryLevel",
    "recoverableDays",
] as const;

function pick(record: object, names: readonly string[]): Record<string, unknown> {
    const source = record as Record<string, unknown>;
    const picked: Record<string, unknown> = {};
    for (const name of names) {
        if (source[name] !== undefined) {
            picked[name] = source[name];
        }
    }
    return picked;
}

/**
 * Returns the input properties of a property bag, leaving out `__provider` and anything
 * else. Used for the inputs that `check` returned and for the inputs stored after a refresh.
 */
export function pickInputs(properties: object): SecretInputs {
    return pick(properties, INPUT_NAMES) as unknown as SecretInputs;
}

/** Returns the output properties of a property bag, leaving out `__provider`. */
export function pickOutputs(properties: object): SecretOutputs {
    return pick(properties, [...INPUT_NAMES, ...COMPUTED_NAMES]) as unknown as SecretOutputs;
}

/** Returns a copy of `record` without its undefined properties. */
export function dropUndefined<T extends object>(record: T): T {
    return Object.fromEntries(
        Object.entries(record).filter(([, value]) => value !== undefined),
    ) as T;
}

/** Returns a date in canonical form (UTC, no fraction) for comparison, or undefined. */
export function comparableDate(date: string | undefined): string | undefined {
    return date === undefined ? undefined : canonicalDate(date);
}
