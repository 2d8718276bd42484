import * as assert from "assert";

import { AZURE_CLOUDS, scopeForVault, vaultNameFromUrl } from "../../provider/src/clouds";
import { formatEpochSeconds, parseRfc3339 } from "../../provider/src/dates";
import {
    describeCredentialSources,
    readSetting,
    resolveSettings,
} from "../../provider/src/settings";
import { resetLibraryState } from "../../provider/src/state";
import { isLoopbackHost } from "../../provider/src/urls";
import { applyConfig, useUnitEnvironment } from "./helpers";

describe("settings", () => {
    const environment = useUnitEnvironment();

    it("read config before environment", () => {
        environment.config = {
            "azure-keyvault:tenantId": "from-keyvault-config",
            "azure-native:tenantId": "from-native-config",
        };
        applyConfig(environment);
        process.env.AZURE_TENANT_ID = "from-azure-env";
        process.env.ARM_TENANT_ID = "from-arm-env";
        assert.deepStrictEqual(readSetting("tenantId"), {
            value: "from-keyvault-config",
            source: "azure-keyvault:tenantId",
        });
        delete environment.config["azure-keyvault:tenantId"];
        applyConfig(environment);
        assert.strictEqual(readSetting("tenantId")?.source, "azure-native:tenantId");
        environment.config = {};
        applyConfig(environment);
        assert.strictEqual(readSetting("tenantId")?.source, "AZURE_TENANT_ID");
        delete process.env.AZURE_TENANT_ID;
        assert.strictEqual(readSetting("tenantId")?.source, "ARM_TENANT_ID");
    });

    it("ignore empty values", () => {
        environment.config = { "azure-keyvault:clientId": "  " };
        applyConfig(environment);
        process.env.ARM_CLIENT_ID = "arm-client";
        assert.strictEqual(readSetting("clientId")?.value, "arm-client");
    });

    it("fall back to PULUMI_CONFIG before configure", () => {
        resetLibraryState();
        process.env.PULUMI_CONFIG = JSON.stringify({
            "azure-keyvault:clientId": "from-pulumi-config",
        });
        assert.strictEqual(readSetting("clientId")?.value, "from-pulumi-config");
    });

    it("use defaults for retries and timeouts", () => {
        const settings = resolveSettings().settings;
        assert.ok(settings !== undefined);
        assert.deepStrictEqual(settings.retry, {
            maxRetries: 8,
            maxRetryWaitMs: 120_000,
            roleAssignmentWaitMs: 300_000,
        });
        assert.strictEqual(settings.requestTimeoutMs, 30_000);
        assert.strictEqual(settings.operationTimeoutMs, 300_000);
        assert.strictEqual(settings.credentials.authorityHost, "https://login.microsoftonline.com");
        assert.strictEqual(settings.cloud.name, "public");
    });

    it("reject an unknown environment", () => {
        environment.config["azure-native:environment"] = "mars";
        applyConfig(environment);
        const problems = resolveSettings().problems ?? [];
        assert.strictEqual(problems.length, 1);
        assert.match(problems[0], /azure-native:environment must be public, usgovernment or china/);
    });

    it("prefer a client secret to a token file", () => {
        process.env.AZURE_FEDERATED_TOKEN_FILE = "/var/run/token";
        const credentials = resolveSettings().settings?.credentials;
        assert.strictEqual(credentials?.federatedTokenFile, undefined);
        assert.ok(credentials?.clientSecret !== undefined);
    });

    it("describe every source in order", () => {
        const text = describeCredentialSources();
        const order = [
            "azure-keyvault:tenantId",
            "azure-native:tenantId",
            "AZURE_TENANT_ID",
            "ARM_TENANT_ID",
            "azure-keyvault:clientSecret",
            "azure-native:clientSecret",
            "AZURE_CLIENT_SECRET",
            "ARM_CLIENT_SECRET",
            "AZURE_FEDERATED_TOKEN_FILE",
            "AZURE_AUTHORITY_HOST",
            "AZURE_KEYVAULT_MAX_RETRIES",
            "AZURE_KEYVAULT_ROLE_ASSIGNMENT_WAIT_SECONDS",
        ];
        let position = -1;
        for (const source of order) {
            const next = text.indexOf(source);
            assert.ok(next > position, `${source} is missing or out of order`);
            position = next;
        }
    });
});

describe("clouds", () => {
    it("scope follows the vault host", () => {
        const fallback = AZURE_CLOUDS.public;
        assert.strictEqual(
            scopeForVault("https://a.vault.azure.net/", fallback),
            "https://vault.azure.net/.default",
        );
        assert.strictEqual(
            scopeForVault("https://a.vault.usgovcloudapi.net/", fallback),
            "https://vault.usgovcloudapi.net/.default",
        );
        assert.strictEqual(
            scopeForVault("https://a.vault.azure.cn/", fallback),
            "https://vault.azure.cn/.default",
        );
        assert.strictEqual(
            scopeForVault("http://127.0.0.1:8443/", AZURE_CLOUDS.china),
            "https://vault.azure.net/.default",
        );
        assert.strictEqual(
            scopeForVault("https://kv.corp.example/", AZURE_CLOUDS.china),
            "https://vault.azure.cn/.default",
        );
    });

    it("vault name comes from known hosts", () => {
        assert.strictEqual(vaultNameFromUrl("https://myvault.vault.azure.net/"), "myvault");
        assert.strictEqual(vaultNameFromUrl("http://127.0.0.1:8443/"), undefined);
    });

    it("loopback hosts are recognized", () => {
        for (const host of ["localhost", "127.0.0.1", "127.255.0.9", "[::1]"]) {
            assert.strictEqual(isLoopbackHost(host), true, host);
        }
        for (const host of [
            "128.0.0.1",
            "127.0.0.1.example.test",
            "localhost.example.test",
            "10.0.0.1",
            "127.0.0.256",
        ]) {
            assert.strictEqual(isLoopbackHost(host), false, host);
        }
    });
});

describe("dates", () => {
    it("parse offsets to UTC seconds", () => {
        assert.deepStrictEqual(parseRfc3339("2027-01-01T01:30:00+01:30"), {
            epochSeconds: 1798761600,
        });
        assert.deepStrictEqual(parseRfc3339("2026-12-31T23:00:00-01:00"), {
            epochSeconds: 1798761600,
        });
        assert.deepStrictEqual(parseRfc3339("2027-01-01t00:00:00z"), { epochSeconds: 1798761600 });
    });

    it("accept leap days only in leap years", () => {
        assert.strictEqual(parseRfc3339("2028-02-29T00:00:00Z").problem, undefined);
        assert.ok(parseRfc3339("2027-02-29T00:00:00Z").problem !== undefined);
    });

    it("format without fraction", () => {
        assert.strictEqual(formatEpochSeconds(1798761600), "2027-01-01T00:00:00Z");
    });
});
