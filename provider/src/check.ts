import { AZURE_CLOUDS, invalidVaultNameReason, vaultUrlFromName } from "./clouds";
import { formatEpochSeconds, parseRfc3339 } from "./dates";
import { UNKNOWN } from "./model";
import { resolveSettings } from "./settings";
import { normalizeVaultUrl } from "./urls";

/** Maximum secret value size Key Vault accepts, in bytes of UTF-8. */
export const MAX_VALUE_BYTES = 25 * 1024;
/** Maximum content type length Key Vault accepts, in characters. */
export const MAX_CONTENT_TYPE_LENGTH = 255;
/** Maximum number of tags on a secret. */
export const MAX_TAGS = 15;
/** Maximum length of a tag name or tag value, in characters. */
export const MAX_TAG_LENGTH = 512;

/** A rejected input property. */
export interface InputFailure {
    /**
     * The property name, or "" for `value` and for settings. The engine prints the value of a
     * named property next to the reason, so `value` failures never name it there; the reason
     * names it instead.
     */
    property: string;
    /** Reason for the rejection, starting with the property name. */
    reason: string;
}

/** The result of {@link checkSecretInputs}. */
export interface InputCheck {
    /** Normalized inputs with defaults filled in. */
    inputs: Record<string, unknown>;
    /** Every problem found; empty when the inputs are valid. */
    failures: InputFailure[];
}

type Inputs = Record<string, unknown>;

const isUnknown = (value: unknown): boolean => value === UNKNOWN;

function checkSecretName(news: Inputs, failures: InputFailure[]): void {
    const name = news.secretName;
    if (isUnknown(name)) {
        return;
    }
    if (typeof name !== "string" || !/^[0-9A-Za-z-]{1,127}$/.test(name)) {
        failures.push({
            property: "secretName",
            reason: "secretName must be 1-127 characters of letters, digits and hyphens",
        });
    }
}

function checkVault(news: Inputs, failures: InputFailure[], out: Inputs): void {
    const hasUrl = news.vaultUrl !== undefined && news.vaultUrl !== null;
    const hasName = news.vaultName !== undefined && news.vaultName !== null;
    if (hasUrl === hasName) {
        failures.push({
            property: hasUrl ? "vaultName" : "vaultUrl",
            reason: "set exactly one of vaultUrl and vaultName",
        });
        return;
    }
    if (hasUrl) {
        checkVaultUrl(news.vaultUrl, failures, out);
    } else {
        checkVaultName(news.vaultName, failures, out);
    }
}

function checkVaultUrl(vaultUrl: unknown, failures: InputFailure[], out: Inputs): void {
    if (isUnknown(vaultUrl)) {
        out.vaultUrl = UNKNOWN;
        return;
    }
    if (typeof vaultUrl !== "string") {
        failures.push({ property: "vaultUrl", reason: "vaultUrl must be a string" });
        return;
    }
    try {
        out.vaultUrl = normalizeVaultUrl(vaultUrl);
    } catch (error) {
        failures.push({
            property: "vaultUrl",
            reason: `vaultUrl is invalid: ${(error as Error).message}`,
        });
    }
}

function checkVaultName(vaultName: unknown, failures: InputFailure[], out: Inputs): void {
    out.vaultName = vaultName;
    if (isUnknown(vaultName)) {
        out.vaultUrl = UNKNOWN;
        return;
    }
    const reason =
        typeof vaultName === "string" ? invalidVaultNameReason(vaultName) : "it must be a string";
    if (reason !== undefined) {
        failures.push({ property: "vaultName", reason: `vaultName is invalid: ${reason}` });
        return;
    }
    const settings = resolveSettings().settings;
    out.vaultUrl = vaultUrlFromName(vaultName as string, settings?.cloud ?? AZURE_CLOUDS.public);
}

function checkValue(news: Inputs, failures: InputFailure[]): void {
    const value = news.value;
    if (isUnknown(value)) {
        return;
    }
    if (typeof value !== "string") {
        failures.push({ property: "", reason: "value is missing or is not a string" });
        return;
    }
    const bytes = Buffer.byteLength(value, "utf8");
    if (bytes > MAX_VALUE_BYTES) {
        failures.push({
            property: "",
            reason: `value is ${bytes} bytes of UTF-8; the limit is ${MAX_VALUE_BYTES}`,
        });
    }
}

function checkContentType(news: Inputs, failures: InputFailure[]): void {
    const contentType = news.contentType;
    if (contentType === undefined || contentType === null || isUnknown(contentType)) {
        return;
    }
    if (typeof contentType !== "string") {
        failures.push({ property: "contentType", reason: "contentType must be a string" });
    } else if (contentType.length > MAX_CONTENT_TYPE_LENGTH) {
        failures.push({
            property: "contentType",
            reason:
                `contentType is ${contentType.length} characters; ` +
                `the limit is ${MAX_CONTENT_TYPE_LENGTH}`,
        });
    }
}

function checkTags(news: Inputs, failures: InputFailure[]): void {
    const tags = news.tags;
    if (tags === undefined || tags === null || isUnknown(tags)) {
        return;
    }
    if (typeof tags !== "object" || Array.isArray(tags)) {
        failures.push({ property: "tags", reason: "tags must be a map of strings" });
        return;
    }
    const entries = Object.entries(tags as Inputs);
    if (entries.length > MAX_TAGS) {
        failures.push({
            property: "tags",
            reason: `tags has ${entries.length} entries; the limit is ${MAX_TAGS}`,
        });
    }
    for (const [name, value] of entries) {
        if (name.length > MAX_TAG_LENGTH) {
            const reason =
                `tags: the tag name starting "${name.slice(0, 20)}" is ${name.length} ` +
                `characters; the limit is ${MAX_TAG_LENGTH}`;
            failures.push({ property: "tags", reason });
        }
        if (isUnknown(value)) {
            continue;
        }
        if (typeof value !== "string") {
            failures.push({
                property: "tags",
                reason: `tags: the value of tag "${name}" must be a string`,
            });
        } else if (value.length > MAX_TAG_LENGTH) {
            const reason =
                `tags: the value of tag "${name}" is ${value.length} characters; ` +
                `the limit is ${MAX_TAG_LENGTH}`;
            failures.push({ property: "tags", reason });
        }
    }
}

function checkBoolean(
    news: Inputs,
    name: string,
    defaultValue: boolean,
    failures: InputFailure[],
    out: Inputs,
) {
    const value = news[name];
    if (value === undefined || value === null) {
        out[name] = defaultValue;
    } else if (typeof value === "boolean" || isUnknown(value)) {
        out[name] = value;
    } else {
        failures.push({ property: name, reason: `${name} must be true or false` });
    }
}

/** Validates and canonicalizes a date; returns its epoch seconds when known and valid. */
function checkDate(
    news: Inputs,
    name: string,
    failures: InputFailure[],
    out: Inputs,
): number | undefined {
    const value = news[name];
    if (value === undefined || value === null) {
        return undefined;
    }
    if (isUnknown(value)) {
        // An unknown date is kept so that a preview shows it as changing, not as removed.
        out[name] = value;
        return undefined;
    }
    if (typeof value !== "string") {
        failures.push({ property: name, reason: `${name} must be an RFC 3339 date-time string` });
        return undefined;
    }
    const parsed = parseRfc3339(value);
    if (parsed.problem !== undefined) {
        failures.push({ property: name, reason: `${name} is invalid: ${parsed.problem}` });
        return undefined;
    }
    out[name] = formatEpochSeconds(parsed.epochSeconds);
    return parsed.epochSeconds;
}

function checkDates(news: Inputs, failures: InputFailure[], out: Inputs): void {
    const notBefore = checkDate(news, "notBefore", failures, out);
    const expiresOn = checkDate(news, "expiresOn", failures, out);
    if (notBefore !== undefined && expiresOn !== undefined && notBefore > expiresOn) {
        failures.push({
            property: "notBefore",
            reason: `notBefore (${out.notBefore}) is after expiresOn (${out.expiresOn})`,
        });
    }
}

function checkSettings(failures: InputFailure[]): void {
    const result = resolveSettings();
    for (const problem of result.problems ?? []) {
        failures.push({ property: "", reason: `provider settings: ${problem}` });
    }
}

/**
 * Validates the inputs of a secret before any request is sent, and returns them normalized:
 * vault URL normalized (or derived from `vaultName`), dates in canonical UTC form, and
 * `enabled`, `recoverSoftDeleted` and `purgeOnDelete` defaulted. Inputs that are unknown
 * during a preview are not validated. Every failure names its property in the reason.
 */
export function checkSecretInputs(news: Inputs): InputCheck {
    const failures: InputFailure[] = [];
    const out: Inputs = {
        secretName: news.secretName,
        value: news.value,
        contentType: news.contentType ?? undefined,
        tags: news.tags ?? undefined,
    };
    checkSecretName(news, failures);
    checkVault(news, failures, out);
    checkValue(news, failures);
    checkContentType(news, failures);
    checkTags(news, failures);
    checkBoolean(news, "enabled", true, failures, out);
    checkDates(news, failures, out);
    checkBoolean(news, "recoverSoftDeleted", true, failures, out);
    checkBoolean(news, "purgeOnDelete", false, failures, out);
    checkSettings(failures);
    const inputs = Object.fromEntries(
        Object.entries(out).filter(([, value]) => value !== undefined),
    );
    return { inputs, failures };
}
