import nock from "nock";

import { captureLogs } from "../../provider/src/log";
import { SETTING_SOURCES, configureFromStack } from "../../provider/src/settings";
import { overrideSystem, resetLibraryState } from "../../provider/src/state";

export const VAULT = "https://unit-vault.vault.azure.net";
export const VAULT_URL = `${VAULT}/`;
export const LOGIN = "https://login.microsoftonline.com";
export const TENANT = "11111111-2222-3333-4444-555555555555";
export const CLIENT_ID = "66666666-7777-8888-9999-000000000000";
export const CLIENT_SECRET = "unit-client-secret~Xy8Q";
export const ACCESS_TOKEN = "unit-access-token.eyJhbGciOi";
export const SECRET_VALUE = "s3cr3t-value-Pa55w0rd!";
export const API = "api-version=2025-07-01";
export const VERSION_1 = "0123456789abcdef0123456789abcdef";
export const VERSION_2 = "fedcba9876543210fedcba9876543210";
export const START_MS = Date.UTC(2026, 0, 1);

/** A log line captured from the library. */
export interface LogLine {
    severity: "info" | "warn";
    message: string;
}

/** Test view of the library's environment: recorded sleeps, log lines, config and clock. */
export interface UnitEnvironment {
    sleeps: number[];
    logs: LogLine[];
    config: Record<string, string>;
    nowMs: number;
}

const ENV_NAMES = Object.values(SETTING_SOURCES).flatMap((sources) => sources.envVars);

/**
 * Registers hooks that give each test a fake clock whose `sleep` records the delay and moves
 * the clock, captured logs, stack config with valid credentials, no credential environment
 * variables, a clean token cache and nock with real connections disabled.
 */
export function useUnitEnvironment(): UnitEnvironment {
    const environment: UnitEnvironment = { sleeps: [], logs: [], config: {}, nowMs: START_MS };
    const restores: Array<() => void> = [];
    const savedEnv: Record<string, string | undefined> = {};

    beforeEach(() => {
        environment.sleeps = [];
        environment.logs = [];
        environment.nowMs = START_MS;
        environment.config = {
            "azure-keyvault:tenantId": TENANT,
            "azure-keyvault:clientId": CLIENT_ID,
            "azure-keyvault:clientSecret": CLIENT_SECRET,
        };
        for (const name of [...ENV_NAMES, "PULUMI_CONFIG"]) {
            savedEnv[name] = process.env[name];
            delete process.env[name];
        }
        resetLibraryState();
        applyConfig(environment);
        restores.push(
            overrideSystem({
                now: () => environment.nowMs,
                sleep: async (milliseconds) => {
                    environment.sleeps.push(milliseconds);
                    environment.nowMs += milliseconds;
                },
                random: () => 0.5,
            }),
        );
        restores.push(
            captureLogs((severity, message) => environment.logs.push({ severity, message })),
        );
        nock.disableNetConnect();
    });

    afterEach(() => {
        while (restores.length > 0) {
            restores.pop()?.();
        }
        for (const [name, value] of Object.entries(savedEnv)) {
            if (value === undefined) {
                delete process.env[name];
            } else {
                process.env[name] = value;
            }
        }
        nock.cleanAll();
        resetLibraryState();
    });

    return environment;
}

/** Passes `environment.config` to the library as the provider's `configure` hook would. */
export function applyConfig(environment: UnitEnvironment): void {
    configureFromStack({ get: (key) => environment.config[key] });
}

/** Intercepts one successful client-credentials token request; returns the nock scope. */
export function mockToken(options: { token?: string; expiresIn?: number; times?: number } = {}) {
    return nock(LOGIN)
        .post(`/${TENANT}/oauth2/v2.0/token`, (body) => {
            return (
                body.grant_type === "client_credentials" &&
                body.client_id === CLIENT_ID &&
                body.client_secret === CLIENT_SECRET &&
                body.scope === "https://vault.azure.net/.default"
            );
        })
        .times(options.times ?? 1)
        .reply(200, {
            token_type: "Bearer",
            expires_in: options.expiresIn ?? 3599,
            ext_expires_in: options.expiresIn ?? 3599,
            access_token: options.token ?? ACCESS_TOKEN,
        });
}

/** Returns a nock scope for the vault that requires the bearer token. */
export function vault(token = ACCESS_TOKEN) {
    return nock(VAULT, { reqheaders: { authorization: `Bearer ${token}` } });
}

/** Returns a Key Vault secret bundle as the service sends it. */
export function secretBundle(
    name: string,
    version: string,
    overrides: Record<string, unknown> = {},
): Record<string, unknown> {
    return {
        value: SECRET_VALUE,
        id: `${VAULT}/secrets/${name}/${version}`,
        attributes: {
            enabled: true,
            created: 1767225600,
            updated: 1767225600,
            recoveryLevel: "Recoverable+Purgeable",
            recoverableDays: 90,
        },
        ...overrides,
    };
}

/** Returns a Key Vault error body. */
export function errorBody(code: string, innerCode?: string, message = "service message") {
    return {
        error: { code, message, ...(innerCode ? { innererror: { code: innerCode } } : {}) },
    };
}

/** Returns checked inputs for a secret named `name`. */
export function secretInputs(name: string, overrides: Record<string, unknown> = {}) {
    return {
        vaultUrl: VAULT_URL,
        secretName: name,
        value: SECRET_VALUE,
        enabled: true,
        recoverSoftDeleted: true,
        purgeOnDelete: false,
        ...overrides,
    };
}

/** Returns stored outputs for a secret named `name` at `version`. */
export function secretOutputs(
    name: string,
    version: string,
    overrides: Record<string, unknown> = {},
) {
    return {
        ...secretInputs(name),
        versionedId: `${VAULT}/secrets/${name}/${version}`,
        versionlessId: `${VAULT}/secrets/${name}`,
        version,
        createdOn: "2026-01-01T00:00:00Z",
        updatedOn: "2026-01-01T00:00:00Z",
        recoveryLevel: "Recoverable+Purgeable",
        recoverableDays: 90,
        ...overrides,
    };
}

/** Runs `action` and returns the error it throws; fails when it does not throw. */
export async function captureError(action: () => Promise<unknown>): Promise<Error> {
    try {
        await action();
    } catch (error) {
        return error as Error;
    }
    throw new Error("expected the action to throw, but it returned");
}
