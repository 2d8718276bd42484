import * as assert from "assert";

import { checkSecretInputs } from "../../provider/src/check";
import { UNKNOWN } from "../../provider/src/model";
import { applyConfig, SECRET_VALUE, useUnitEnvironment, VAULT_URL } from "./helpers";

function validInputs(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return { vaultUrl: VAULT_URL, secretName: "db-password", value: SECRET_VALUE, ...overrides };
}

/** Returns the single failure of `news`, asserting that there is exactly one. */
function onlyFailure(news: Record<string, unknown>) {
    const { failures } = checkSecretInputs(news);
    assert.strictEqual(failures.length, 1, JSON.stringify(failures));
    return failures[0];
}

describe("check", () => {
    const environment = useUnitEnvironment();

    it("fills defaults and normalizes", () => {
        const result = checkSecretInputs(
            validInputs({
                vaultUrl: "HTTPS://Unit-Vault.Vault.Azure.Net:443",
                notBefore: "2027-01-01T02:00:00+02:00",
                expiresOn: "2028-01-01T00:00:00.000Z",
            }),
        );
        assert.deepStrictEqual(result.failures, []);
        assert.deepStrictEqual(result.inputs, {
            vaultUrl: VAULT_URL,
            secretName: "db-password",
            value: SECRET_VALUE,
            enabled: true,
            notBefore: "2027-01-01T00:00:00Z",
            expiresOn: "2028-01-01T00:00:00Z",
            recoverSoftDeleted: true,
            purgeOnDelete: false,
        });
    });

    it("derives the vault URL from vaultName", () => {
        const { inputs, failures } = checkSecretInputs(
            validInputs({ vaultUrl: undefined, vaultName: "MyVault" }),
        );
        assert.deepStrictEqual(failures, []);
        assert.strictEqual(inputs.vaultUrl, "https://myvault.vault.azure.net/");
        assert.strictEqual(inputs.vaultName, "MyVault");
    });

    it("derives the vault URL in another cloud", () => {
        environment.config["azure-keyvault:environment"] = "usgovernment";
        applyConfig(environment);
        const { inputs } = checkSecretInputs(
            validInputs({ vaultUrl: undefined, vaultName: "gov" }),
        );
        assert.strictEqual(inputs.vaultUrl, "https://gov.vault.usgovcloudapi.net/");
    });

    it("derives the cloud from the authority host", () => {
        environment.config["azure-keyvault:authorityHost"] = "https://login.chinacloudapi.cn/";
        applyConfig(environment);
        const { inputs } = checkSecretInputs(
            validInputs({ vaultUrl: undefined, vaultName: "cnvault" }),
        );
        assert.strictEqual(inputs.vaultUrl, "https://cnvault.vault.azure.cn/");
    });

    const rejections: Array<[string, Record<string, unknown>, string, RegExp]> = [
        ["empty name", { secretName: "" }, "secretName", /secretName/],
        ["name with underscore", { secretName: "db_password" }, "secretName", /secretName/],
        ["name of 128 characters", { secretName: "a".repeat(128) }, "secretName", /secretName/],
        ["missing value", { value: undefined }, "", /value/],
        ["value over 25 KB", { value: "x".repeat(25 * 1024 + 1) }, "", /value is 25601 bytes/],
        ["both vaultUrl and vaultName", { vaultName: "other" }, "vaultName", /exactly one/],
        ["neither vaultUrl nor vaultName", { vaultUrl: undefined }, "vaultUrl", /exactly one/],
        ["vaultUrl not a URL", { vaultUrl: "unit-vault" }, "vaultUrl", /vaultUrl is invalid/],
        [
            "http vaultUrl off loopback",
            { vaultUrl: "http://kv.example.test/" },
            "vaultUrl",
            /https/,
        ],
        ["vaultUrl with a path", { vaultUrl: `${VAULT_URL}secrets` }, "vaultUrl", /no path/],
        ["invalid vaultName", { vaultUrl: undefined, vaultName: "a_b" }, "vaultName", /vaultName/],
        [
            "date without zone",
            { notBefore: "2027-01-01T00:00:00" },
            "notBefore",
            /notBefore.*RFC 3339/,
        ],
        ["impossible date", { expiresOn: "2027-02-30T00:00:00Z" }, "expiresOn", /expiresOn/],
        [
            "fraction of a second",
            { expiresOn: "2027-01-01T00:00:00.5Z" },
            "expiresOn",
            /whole seconds/,
        ],
        [
            "notBefore after expiresOn",
            { notBefore: "2028-01-01T00:00:00Z", expiresOn: "2027-01-01T00:00:00Z" },
            "notBefore",
            /notBefore .* is after expiresOn/,
        ],
        ["content type of 256", { contentType: "t".repeat(256) }, "contentType", /contentType/],
        [
            "16 tags",
            { tags: Object.fromEntries([...Array(16).keys()].map((i) => [`t${i}`, "v"])) },
            "tags",
            /16 entries/,
        ],
        ["tag name of 513", { tags: { ["n".repeat(513)]: "v" } }, "tags", /tag name/],
        ["tag value of 513", { tags: { owner: "v".repeat(513) } }, "tags", /tag "owner"/],
        ["tag value not a string", { tags: { owner: 5 } }, "tags", /tag "owner"/],
        ["enabled not a boolean", { enabled: "yes" }, "enabled", /enabled/],
        ["purgeOnDelete not a boolean", { purgeOnDelete: 1 }, "purgeOnDelete", /purgeOnDelete/],
    ];
    for (const [title, overrides, property, reason] of rejections) {
        it(`rejects ${title}`, () => {
            const failure = onlyFailure(validInputs(overrides));
            assert.strictEqual(failure.property, property);
            assert.match(failure.reason, reason);
            if (property !== "") {
                assert.ok(failure.reason.includes(property), failure.reason);
            }
        });
    }

    it("accepts the limits exactly", () => {
        const tags = Object.fromEntries(
            [...Array(15).keys()].map((i) => [`t${i}`, "v".repeat(512)]),
        );
        const { failures } = checkSecretInputs(
            validInputs({
                secretName: "a".repeat(127),
                value: "x".repeat(25 * 1024),
                contentType: "t".repeat(255),
                tags,
            }),
        );
        assert.deepStrictEqual(failures, []);
    });

    it("accepts loopback http vault URLs", () => {
        for (const vaultUrl of [
            "http://127.0.0.1:8443/",
            "http://localhost:1/",
            "http://[::1]:9/",
            "http://127.9.8.7/",
        ]) {
            assert.deepStrictEqual(
                checkSecretInputs(validInputs({ vaultUrl })).failures,
                [],
                vaultUrl,
            );
        }
    });

    it("never puts the value in a reason", () => {
        const big = `${SECRET_VALUE}${"x".repeat(30_000)}`;
        const { failures } = checkSecretInputs(validInputs({ value: big, secretName: "bad_name" }));
        assert.strictEqual(failures.length, 2);
        for (const failure of failures) {
            assert.ok(!failure.reason.includes(SECRET_VALUE));
        }
    });

    it("skips unknown inputs", () => {
        const { inputs, failures } = checkSecretInputs({
            vaultName: UNKNOWN,
            secretName: UNKNOWN,
            value: UNKNOWN,
            contentType: UNKNOWN,
            tags: { owner: UNKNOWN },
            enabled: UNKNOWN,
            notBefore: UNKNOWN,
            expiresOn: UNKNOWN,
        });
        assert.deepStrictEqual(failures, []);
        assert.strictEqual(inputs.vaultUrl, UNKNOWN);
        assert.strictEqual(inputs.enabled, UNKNOWN);
        assert.strictEqual(inputs.value, UNKNOWN);
    });

    it("lists all missing credentials in one failure", () => {
        environment.config = {};
        applyConfig(environment);
        const { failures } = checkSecretInputs(validInputs());
        assert.strictEqual(failures.length, 1, JSON.stringify(failures));
        const reason = failures[0].reason;
        for (const expected of [
            "tenantId",
            "azure-keyvault:tenantId",
            "azure-native:tenantId",
            "AZURE_TENANT_ID",
            "ARM_TENANT_ID",
            "clientId",
            "AZURE_CLIENT_ID",
            "ARM_CLIENT_ID",
            "clientSecret",
            "azure-keyvault:clientSecret",
            "AZURE_CLIENT_SECRET",
            "ARM_CLIENT_SECRET",
            "AZURE_FEDERATED_TOKEN_FILE",
        ]) {
            assert.ok(reason.includes(expected), `${expected} missing from: ${reason}`);
        }
    });

    it("names only the missing credential", () => {
        delete environment.config["azure-keyvault:clientId"];
        applyConfig(environment);
        const { failures } = checkSecretInputs(validInputs());
        assert.strictEqual(failures.length, 1);
        assert.match(failures[0].reason, /clientId/);
        assert.doesNotMatch(failures[0].reason, /tenantId|clientSecret/);
    });

    it("rejects invalid retry settings", () => {
        process.env.AZURE_KEYVAULT_MAX_RETRIES = "many";
        const { failures } = checkSecretInputs(validInputs());
        assert.strictEqual(failures.length, 1);
        assert.match(failures[0].reason, /AZURE_KEYVAULT_MAX_RETRIES/);
    });
});
