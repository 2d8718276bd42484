import { AZURE_CLOUDS, AzureCloud, cloudByAuthorityHost, cloudByName } from "./clouds";
import { KeyVaultError } from "./errors";
import { libraryState } from "./state";
import { insecureUrlReason } from "./urls";

/** Sources of one setting, in the order they are read. */
export interface SettingSources {
    /** Stack configuration keys, read first, in this order. */
    configKeys: readonly string[];
    /** Environment variables, read after the configuration keys, in this order. */
    envVars: readonly string[];
}

/** The sources of every setting. The first non-empty value wins. */
export const SETTING_SOURCES = {
    tenantId: {
        configKeys: ["azure-keyvault:tenantId", "azure-native:tenantId"],
        envVars: ["AZURE_TENANT_ID", "ARM_TENANT_ID"],
    },
    clientId: {
        configKeys: ["azure-keyvault:clientId", "azure-native:clientId"],
        envVars: ["AZURE_CLIENT_ID", "ARM_CLIENT_ID"],
    },
    clientSecret: {
        configKeys: ["azure-keyvault:clientSecret", "azure-native:clientSecret"],
        envVars: ["AZURE_CLIENT_SECRET", "ARM_CLIENT_SECRET"],
    },
    federatedTokenFile: { configKeys: [], envVars: ["AZURE_FEDERATED_TOKEN_FILE"] },
    authorityHost: {
        configKeys: ["azure-keyvault:authorityHost"],
        envVars: ["AZURE_AUTHORITY_HOST"],
    },
    environment: {
        configKeys: ["azure-keyvault:environment", "azure-native:environment"],
        envVars: ["ARM_ENVIRONMENT"],
    },
    maxRetries: {
        configKeys: ["azure-keyvault:maxRetries"],
        envVars: ["AZURE_KEYVAULT_MAX_RETRIES"],
    },
    maxRetryWaitSeconds: {
        configKeys: ["azure-keyvault:maxRetryWaitSeconds"],
        envVars: ["AZURE_KEYVAULT_MAX_RETRY_WAIT_SECONDS"],
    },
    roleAssignmentWaitSeconds: {
        configKeys: ["azure-keyvault:roleAssignmentWaitSeconds"],
        envVars: ["AZURE_KEYVAULT_ROLE_ASSIGNMENT_WAIT_SECONDS"],
    },
    requestTimeoutSeconds: {
        configKeys: ["azure-keyvault:requestTimeoutSeconds"],
        envVars: ["AZURE_KEYVAULT_REQUEST_TIMEOUT_SECONDS"],
    },
    operationTimeoutSeconds: {
        configKeys: ["azure-keyvault:operationTimeoutSeconds"],
        envVars: ["AZURE_KEYVAULT_OPERATION_TIMEOUT_SECONDS"],
    },
} satisfies Record<string, SettingSources>;

/** Names of the settings. */
export type SettingName = keyof typeof SETTING_SOURCES;

/** Minimal view of the Pulumi stack configuration passed to the provider's `configure`. */
export interface StackConfig {
    /** Returns the value of a full key (`namespace:name`), or undefined when it is not set. */
    get(key: string): string | undefined;
}

/**
 * Stores the values of every known configuration key, read from the stack configuration that
 * the Pulumi engine passes to the provider's `configure` hook. Values stay in process memory.
 */
export function configureFromStack(config: StackConfig): void {
    const snapshot: Record<string, string> = {};
    for (const sources of Object.values(SETTING_SOURCES)) {
        for (const key of sources.configKeys) {
            const value = config.get(key);
            if (typeof value === "string") {
                snapshot[key] = value;
            }
        }
    }
    libraryState().stackConfig = snapshot;
}

/**
 * Returns the stack configuration. Before `configure` has run, it falls back to the
 * `PULUMI_CONFIG` variable (a JSON object by full key) that the engine gives to dynamic
 * providers, so settings also work with hosts that never call `configure`.
 */
function stackConfigValues(): Record<string, string> {
    const configured = libraryState().stackConfig;
    if (configured !== undefined) {
        return configured;
    }
    const text = process.env.PULUMI_CONFIG;
    if (text === undefined || text === "") {
        return {};
    }
    try {
        const parsed: unknown = JSON.parse(text);
        return typeof parsed === "object" && parsed !== null
            ? (parsed as Record<string, string>)
            : {};
    } catch {
        return {};
    }
}

/** A setting's value and the configuration key or environment variable it came from. */
export interface SettingValue {
    /** The value, trimmed. */
    value: string;
    /** The key (`azure-keyvault:tenantId`) or variable (`AZURE_TENANT_ID`) it came from. */
    source: string;
}

/** Returns the first non-empty value of a setting, or undefined when no source sets it. */
export function readSetting(name: SettingName): SettingValue | undefined {
    const sources: SettingSources = SETTING_SOURCES[name];
    const config = stackConfigValues();
    for (const key of sources.configKeys) {
        const value = config[key];
        if (typeof value === "string" && value.trim() !== "") {
            return { value: value.trim(), source: key };
        }
    }
    for (const variable of sources.envVars) {
        const value = process.env[variable];
        if (value !== undefined && value.trim() !== "") {
            return { value: value.trim(), source: variable };
        }
    }
    return undefined;
}

/** Returns "config a or b, or environment variable C or D" for a setting. */
export function describeSources(name: SettingName): string {
    const sources: SettingSources = SETTING_SOURCES[name];
    const parts: string[] = [];
    if (sources.configKeys.length > 0) {
        parts.push(`config ${sources.configKeys.join(" or ")}`);
    }
    if (sources.envVars.length > 0) {
        parts.push(`environment variable ${sources.envVars.join(" or ")}`);
    }
    return parts.join(", or ");
}

/** Credentials for the OAuth 2.0 client-credentials grant. */
export interface Credentials {
    /** Microsoft Entra tenant ID (a GUID) or domain. */
    tenantId: string;
    /** Application (client) ID of the service principal. */
    clientId: string;
    /** Client secret value; undefined when a federated token file is used instead. */
    clientSecret?: string;
    /** Path of a federated token file (workload identity), read on every token request. */
    federatedTokenFile?: string;
    /** Authority host with scheme and without trailing slash. */
    authorityHost: string;
}

/** Bounds of retries after throttling, server errors and role assignment delays. */
export interface RetryLimits {
    /** Retries after the first attempt. Default 8. */
    maxRetries: number;
    /** Total time that retries of one request may wait, in milliseconds. Default 120 s. */
    maxRetryWaitMs: number;
    /** How long 403 access errors are retried while a role assignment applies, in ms. */
    roleAssignmentWaitMs: number;
}

/** Everything the provider reads from configuration and environment at run time. */
export interface ProviderSettings {
    /** Client credentials. */
    credentials: Credentials;
    /** The Azure cloud, which sets the vault DNS suffix for `vaultName`. */
    cloud: AzureCloud;
    /** Retry bounds. */
    retry: RetryLimits;
    /** Time limit of one HTTP attempt, in milliseconds. Default 30 s. */
    requestTimeoutMs: number;
    /** Time limit of one wait for a deletion, recovery or purge, in milliseconds. Default 300 s. */
    operationTimeoutMs: number;
}

/** The result of reading the settings: the settings, or every problem found. */
export type SettingsResult =
    | { settings: ProviderSettings; problems?: undefined }
    | { settings?: undefined; problems: string[] };

/** Reads a whole number of at most `max`, recording a problem when the value is invalid. */
function readNumber(name: SettingName, defaultValue: number, max: number, problems: string[]) {
    const setting = readSetting(name);
    if (setting === undefined) {
        return defaultValue;
    }
    const value = Number(setting.value);
    if (!/^\d+$/.test(setting.value) || value > max) {
        problems.push(`${setting.source} must be a whole number from 0 to ${max}`);
        return defaultValue;
    }
    return value;
}

function resolveCloud(problems: string[]): { cloud: AzureCloud; authorityHost: string } {
    const environment = readSetting("environment");
    const authority = readSetting("authorityHost");
    let cloud = AZURE_CLOUDS.public;
    if (environment !== undefined) {
        const named = cloudByName(environment.value);
        if (named === undefined) {
            problems.push(`${environment.source} must be public, usgovernment or china`);
        } else {
            cloud = named;
        }
    } else if (authority !== undefined) {
        cloud = cloudByAuthorityHost(authority.value) ?? cloud;
    }
    if (authority === undefined) {
        return { cloud, authorityHost: cloud.authorityHost };
    }
    return { cloud, authorityHost: normalizeAuthorityHost(authority, problems) };
}

function normalizeAuthorityHost(authority: SettingValue, problems: string[]): string {
    let url: URL;
    try {
        url = new URL(authority.value);
    } catch {
        problems.push(
            `${authority.source} is not an absolute URL such as https://login.microsoftonline.com`,
        );
        return authority.value;
    }
    const reason = insecureUrlReason(url);
    if (reason !== undefined) {
        problems.push(`${authority.source} is rejected because ${reason}`);
    }
    return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

function resolveCredentials(authorityHost: string, problems: string[]): Credentials {
    const tenantId = readSetting("tenantId");
    const clientId = readSetting("clientId");
    const clientSecret = readSetting("clientSecret");
    const federatedTokenFile = readSetting("federatedTokenFile");
    const missing: string[] = [];
    if (tenantId === undefined) {
        missing.push(`tenantId (${describeSources("tenantId")})`);
    } else if (!/^[A-Za-z0-9.-]+$/.test(tenantId.value)) {
        problems.push(`${tenantId.source} must be a tenant ID (GUID) or a domain name`);
    }
    if (clientId === undefined) {
        missing.push(`clientId (${describeSources("clientId")})`);
    }
    if (clientSecret === undefined && federatedTokenFile === undefined) {
        missing.push(
            `clientSecret (${describeSources("clientSecret")}; or, for workload identity, ` +
                `${describeSources("federatedTokenFile")})`,
        );
    }
    if (missing.length > 0) {
        problems.push(`missing Azure credential settings: ${missing.join("; ")}`);
    }
    return {
        tenantId: tenantId?.value ?? "",
        clientId: clientId?.value ?? "",
        clientSecret: clientSecret?.value,
        federatedTokenFile: clientSecret === undefined ? federatedTokenFile?.value : undefined,
        authorityHost,
    };
}

/** Reads every setting from the stack configuration and the environment. */
export function resolveSettings(): SettingsResult {
    const problems: string[] = [];
    const { cloud, authorityHost } = resolveCloud(problems);
    const credentials = resolveCredentials(authorityHost, problems);
    const retry: RetryLimits = {
        maxRetries: readNumber("maxRetries", 8, 100, problems),
        maxRetryWaitMs: readNumber("maxRetryWaitSeconds", 120, 86_400, problems) * 1000,
        roleAssignmentWaitMs: readNumber("roleAssignmentWaitSeconds", 300, 86_400, problems) * 1000,
    };
    const requestTimeoutMs = readNumber("requestTimeoutSeconds", 30, 3_600, problems) * 1000;
    const operationTimeoutMs = readNumber("operationTimeoutSeconds", 300, 86_400, problems) * 1000;
    if (requestTimeoutMs === 0) {
        problems.push(`${describeSources("requestTimeoutSeconds")} must be at least 1`);
    }
    if (problems.length > 0) {
        return { problems };
    }
    return { settings: { credentials, cloud, retry, requestTimeoutMs, operationTimeoutMs } };
}

/** Returns the settings, or throws a {@link KeyVaultError} that lists every problem. */
export function requireSettings(): ProviderSettings {
    const result = resolveSettings();
    if (result.problems !== undefined) {
        throw new KeyVaultError(`Invalid provider settings: ${result.problems.join(". ")}.`, {
            code: "InvalidSettings",
        });
    }
    return result.settings;
}

/**
 * Describes where the provider reads each credential and setting, in order, for a README or a
 * help message. Credentials are read in the provider process at run time and never stored in
 * the stack state.
 */
export function describeCredentialSources(): string {
    const lines = [
        "Each setting is read when the provider runs, from the first source that sets it:",
    ];
    for (const name of Object.keys(SETTING_SOURCES) as SettingName[]) {
        lines.push(`- ${name}: ${describeSources(name)}`);
    }
    lines.push(
        "A client secret takes precedence over AZURE_FEDERATED_TOKEN_FILE. Without " +
            "authorityHost, the authority host follows the environment (public by default).",
    );
    return lines.join("\n");
}
