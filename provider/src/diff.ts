import type * as pulumi from "@pulumi/pulumi";

import { comparableDate, SecretOutputs, UNKNOWN } from "./model";
import { sameVault } from "./urls";

/**
 * {@link SecretDiff} represents the result of comparing the stored outputs with new inputs.
 * It has the fields of Pulumi's `DiffResult` plus `diffs`.
 */
export interface SecretDiff {
    /** Whether anything changed. */
    changes: boolean;
    /** Properties whose change replaces the secret: the vault and the secret name. */
    replaces: string[];
    /**
     * Every changed property. The dynamic provider host of `@pulumi/pulumi` 3.276 does not
     * forward this list to the engine; it is here for callers and tests.
     */
    diffs: string[];
    /** Always false: the replacement is a different secret, so it can be created first. */
    deleteBeforeReplace: false;
}

type Inputs = Record<string, unknown>;

const isUnknown = (value: unknown): boolean => value === UNKNOWN;

function optionalText(value: unknown): unknown {
    return value === "" || value === null ? undefined : value;
}

/** Returns tags in a form whose JSON does not depend on key order; no tags and `{}` are equal. */
function comparableTags(tags: unknown): string | undefined {
    if (tags === undefined || tags === null) {
        return undefined;
    }
    const entries = Object.entries(tags as Record<string, unknown>);
    entries.sort(([left], [right]) => left.localeCompare(right, "en"));
    return entries.length === 0 ? undefined : JSON.stringify(entries);
}

function tagsChanged(oldTags: unknown, newTags: unknown): boolean {
    if (isUnknown(newTags)) {
        return true;
    }
    if (newTags !== null && typeof newTags === "object" && Object.values(newTags).some(isUnknown)) {
        return true;
    }
    return comparableTags(oldTags) !== comparableTags(newTags);
}

function changed(oldValue: unknown, newValue: unknown): boolean {
    return isUnknown(newValue) || oldValue !== newValue;
}

function dateChanged(oldDate: unknown, newDate: unknown): boolean {
    if (isUnknown(newDate)) {
        return true;
    }
    const normalize = (date: unknown) =>
        comparableDate(typeof date === "string" ? date : undefined);
    return normalize(oldDate) !== normalize(newDate);
}

/** Returns the properties whose change needs a replacement. */
function replacedProperties(olds: Partial<SecretOutputs>, news: Inputs): string[] {
    const replaces: string[] = [];
    const vaultProperty = news.vaultName !== undefined ? "vaultName" : "vaultUrl";
    const newUrl = news.vaultUrl;
    if (isUnknown(newUrl) || typeof newUrl !== "string" || olds.vaultUrl === undefined) {
        replaces.push(vaultProperty);
    } else if (!sameVault(olds.vaultUrl, newUrl)) {
        replaces.push(vaultProperty);
    }
    // Key Vault compares secret names case-insensitively, so a change of case names the same
    // secret. Replacing it would delete the secret that the create had just written.
    const newName = news.secretName;
    if (isUnknown(newName) || typeof newName !== "string" || olds.secretName === undefined) {
        replaces.push("secretName");
    } else if (olds.secretName.toLowerCase() !== newName.toLowerCase()) {
        replaces.push("secretName");
    }
    return replaces;
}

/**
 * Compares the stored outputs `olds` with the checked inputs `news`. The value is compared
 * exactly, code unit by code unit. A change of vault or of secret name (other than its case)
 * replaces the secret; any other change updates it. An input that is unknown during a preview
 * counts as a change.
 */
export function diffSecret(olds: Partial<SecretOutputs>, news: Inputs): SecretDiff {
    const replaces = replacedProperties(olds, news);
    const diffs = [...replaces];
    if (!replaces.includes("secretName") && changed(olds.secretName, news.secretName)) {
        diffs.push("secretName");
    }
    if (changed(olds.value, news.value)) {
        diffs.push("value");
    }
    if (changed(optionalText(olds.contentType), optionalText(news.contentType))) {
        diffs.push("contentType");
    }
    if (tagsChanged(olds.tags, news.tags)) {
        diffs.push("tags");
    }
    if (changed(olds.enabled ?? true, news.enabled ?? true)) {
        diffs.push("enabled");
    }
    for (const name of ["notBefore", "expiresOn"] as const) {
        if (dateChanged(olds[name], news[name])) {
            diffs.push(name);
        }
    }
    if (changed(olds.recoverSoftDeleted ?? true, news.recoverSoftDeleted ?? true)) {
        diffs.push("recoverSoftDeleted");
    }
    if (changed(olds.purgeOnDelete ?? false, news.purgeOnDelete ?? false)) {
        diffs.push("purgeOnDelete");
    }
    return { changes: diffs.length > 0, replaces, diffs, deleteBeforeReplace: false };
}

/**
 * Converts {@link SecretDiff} into the result for the engine. The dynamic provider host of
 * `@pulumi/pulumi` 3.276 forwards only `changes`, `replaces` and `deleteBeforeReplace`, so a plain
 * "changed" would show no property in `pulumi preview --diff`. When this provider finds a change,
 * it returns "unknown": the engine then compares the old and new inputs itself and lists each
 * changed property, and the replacement keys given here still decide between update and replace.
 */
export function engineDiff(diff: SecretDiff): pulumi.dynamic.DiffResult {
    if (!diff.changes) {
        return { changes: false };
    }
    return { changes: undefined, replaces: diff.replaces, deleteBeforeReplace: false };
}
