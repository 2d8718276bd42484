import { strict as assert } from "node:assert";

import {
    DEV_CLIENT_ID,
    DEV_CLIENT_SECRET,
    DEV_TENANT_ID,
    startEmulator,
    type Emulator,
} from "../../emulator";
import { captureLogs } from "../../provider/src/log";
import { keyVaultSecretProvider as provider } from "../../provider/src/provider";
import { overrideSystem, resetLibraryState } from "../../provider/src/state";

type Properties = Record<string, unknown>;

// The provider's methods, called in process the way the dynamic provider host calls them,
// against an emulator on loopback. Waits and retries sleep no real time.
describe("provider against the emulator", () => {
    let emulator: Emulator;
    const restores: Array<() => void> = [];
    const logs: string[] = [];

    before(async () => {
        emulator = await startEmulator({
            vaults: [{ name: "dev", deleteDelayMs: 0, recoverDelayMs: 0, purgeDelayMs: 0 }],
        });
    });

    after(async () => {
        await emulator.close();
    });

    beforeEach(async () => {
        resetLibraryState();
        logs.length = 0;
        restores.push(captureLogs((_severity, message) => logs.push(message)));
        restores.push(overrideSystem({ sleep: async () => undefined }));
        const config: Record<string, string> = {
            "azure-keyvault:tenantId": DEV_TENANT_ID,
            "azure-keyvault:clientId": DEV_CLIENT_ID,
            "azure-keyvault:clientSecret": DEV_CLIENT_SECRET,
            "azure-keyvault:authorityHost": emulator.authorityHost,
        };
        await provider.configure!({ config: { get: (key: string) => config[key] } } as never);
    });

    afterEach(() => {
        emulator.clearFaults();
        while (restores.length > 0) {
            restores.pop()?.();
        }
        resetLibraryState();
    });

    async function checked(news: Properties): Promise<Properties> {
        const result = await provider.check!({}, { vaultUrl: emulator.vaultUrl("dev"), ...news });
        assert.deepEqual(result.failures, []);
        return result.inputs;
    }

    async function create(news: Properties) {
        const inputs = await checked(news);
        return { inputs, ...(await provider.create(inputs)) };
    }

    it("round-trips values byte for byte", async () => {
        const values = [
            "",
            " leading and trailing spaces ",
            "line one\nline two\r\n\ttabbed\n",
            "caf\u00e9 \u4e2d\u6587 \ud83d\udd11 \u0000 nul",
            "e\u0301 combining",
        ];
        for (const [index, value] of values.entries()) {
            const created = await create({ secretName: `exact-${index}`, value });
            assert.equal(emulator.getSecret("dev", `exact-${index}`)?.value, value);
            const read = await provider.read!(created.id, created.outs);
            assert.equal(read.props.value, value, JSON.stringify(value));
            const diff = await provider.diff!(created.id, read.props, created.inputs);
            assert.equal(diff.changes, false, JSON.stringify(value));
        }
    });

    it("agrees with the vault on the value size limit", async () => {
        // 25 KB counted in bytes of UTF-8: "é" takes two bytes.
        const largest = "\u00e9".repeat(12_800);
        await create({ secretName: "largest", value: largest });
        assert.equal(emulator.getSecret("dev", "largest")?.value, largest);
        const tooLarge = await provider.check!(
            {},
            { vaultUrl: emulator.vaultUrl("dev"), secretName: "too-large", value: `${largest}a` },
        );
        assert.equal(tooLarge.failures!.length, 1);
        assert.match(tooLarge.failures![0].reason, /25601 bytes/);
        assert.ok(!tooLarge.failures![0].reason.includes("\u00e9"));
    });

    it("agrees with the vault on name length", async () => {
        await create({ secretName: "n".repeat(127), value: "v" });
        const failures = (
            await provider.check!(
                {},
                { vaultUrl: emulator.vaultUrl("dev"), secretName: "n".repeat(128), value: "v" },
            )
        ).failures!;
        assert.equal(failures.length, 1);
        assert.equal(failures[0].property, "secretName");
    });

    it("renews a token that expired mid-run", async () => {
        const created = await create({ secretName: "mid-run", value: "v1" });
        emulator.expireTokens();
        emulator.resetRequests();
        const read = await provider.read!(created.id, created.outs);
        assert.equal(read.props.value, "v1");
        assert.equal(emulator.count({ vault: "dev", status: 401 }), 1);
        assert.equal(emulator.count({ vault: "login" }), 1);
    });

    it("updates a case-only rename in place", async () => {
        const created = await create({ secretName: "Mixed-Case", value: "v1" });
        const news = await checked({ secretName: "mixed-case", value: "v2" });
        const diff = await provider.diff!(created.id, created.outs, news);
        assert.deepEqual(diff.replaces ?? [], []);
        const updated = await provider.update!(created.id, created.outs, news);
        assert.equal(updated.outs.secretName, "mixed-case");
        assert.equal(emulator.getSecret("dev", "MIXED-CASE")?.value, "v2");
        assert.equal(emulator.listVersions("dev", "mixed-case").length, 2);
    });

    it("creates after a purge between conflict and recover", async () => {
        // The PUT meets a soft-deleted secret (409), which is purged before the recover.
        emulator.addFault({
            vault: "dev",
            method: "PUT",
            status: 409,
            code: "Conflict",
            innerCode: "ObjectIsDeletedButRecoverable",
            times: 1,
        });
        emulator.resetRequests();
        const created = await create({ secretName: "raced", value: "v2" });
        assert.equal(emulator.getSecret("dev", "raced")?.value, "v2");
        assert.equal(emulator.listVersions("dev", "raced").length, 1);
        assert.equal(created.outs.version, emulator.getSecret("dev", "raced")?.id.split("/").pop());
        assert.equal(emulator.count({ vault: "dev", route: /recover/, status: 404 }), 1);
        assert.equal(emulator.count({ vault: "dev", method: "PUT" }), 2);
    });

    it("keeps the stored value of a disabled secret", async () => {
        const created = await create({ secretName: "dormant", value: "v1", enabled: false });
        const read = await provider.read!(created.id, created.outs);
        assert.equal(read.id, created.id);
        assert.equal(read.props.enabled, false);
        assert.equal(read.props.value, "v1");
        assert.equal(read.props.version, created.outs.version);
        emulator.deleteSecret("dev", "dormant");
        const readAfterDelete = await provider.read!(created.id, created.outs);
        assert.equal(readAfterDelete.id, "");
    });

    it("logs no value, token or client secret", async () => {
        const created = await create({ secretName: "quiet", value: "quiet-value-31f0" });
        emulator.addFault({ vault: "dev", method: "GET", status: 503, retryAfter: "1", times: 2 });
        await provider.read!(created.id, created.outs);
        assert.ok(logs.length >= 2);
        const text = logs.join("\n");
        assert.ok(!text.includes("quiet-value-31f0"));
        assert.ok(!text.includes(DEV_CLIENT_SECRET));
        for (const token of emulator.issuedTokens()) {
            assert.ok(!text.includes(token));
        }
    });
});
