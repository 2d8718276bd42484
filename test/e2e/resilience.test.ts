import * as assert from "node:assert/strict";

import { DEV_CLIENT_ID, startEmulator, type Emulator } from "../../emulator";
import {
    assertNoSecretsInOutput,
    PulumiWorkspace,
    requestSummary,
    type PulumiResult,
    type SecretSpec,
} from "./harness";

// The real `pulumi` CLI against an emulator that reproduces the service's failure modes.
describe("e2e: service quirks", function () {
    this.timeout(300_000);

    let emulator: Emulator;
    const workspaces: PulumiWorkspace[] = [];

    before(async () => {
        emulator = await startEmulator({
            vaults: [
                { name: "dev", deleteDelayMs: 400, recoverDelayMs: 400 },
                { name: "locked", purgeProtection: true },
            ],
        });
    });

    beforeEach(() => {
        emulator.resetRequests();
    });

    afterEach(() => {
        emulator.clearFaults();
        // The request counts of each scenario, for the record; the assertions are in the tests.
        console.log(`      requests since the last reset: ${requestSummary(emulator) || "none"}`);
    });

    after(async () => {
        const tokens = emulator.issuedTokens();
        await emulator?.close();
        // Every value this file declares starts with "plain-".
        assertNoSecretsInOutput(workspaces, tokens, ["plain-"]);
        for (const workspace of workspaces) workspace.dispose();
    });

    async function workspace(options: Partial<Parameters<typeof PulumiWorkspace.create>[0]> = {}) {
        const created = await PulumiWorkspace.create({ emulator, ...options });
        workspaces.push(created);
        return created;
    }

    function succeeded(result: PulumiResult): void {
        assert.equal(result.code, 0, result.stdout + result.stderr);
    }

    function valuesFor(specs: SecretSpec[], suffix: string): Record<string, string> {
        return Object.fromEntries(specs.map((spec) => [spec.name, `plain-${spec.name}-${suffix}`]));
    }

    it("destroy then up recovers soft-deleted names", async () => {
        const ws = await workspace();
        const specs = [{ name: "recycled-a" }, { name: "recycled-b" }];
        await ws.declare(specs, valuesFor(specs, "1"));
        succeeded(await ws.up());
        succeeded(await ws.run(["destroy", "--yes", "--skip-preview"]));
        assert.equal(emulator.getSecret("dev", "recycled-a"), undefined);
        await ws.declare(specs, valuesFor(specs, "2"));
        emulator.resetRequests();
        succeeded(await ws.up());
        assert.equal(emulator.getSecret("dev", "recycled-a")?.value, "plain-recycled-a-2");
        assert.equal(emulator.getSecret("dev", "recycled-b")?.value, "plain-recycled-b-2");
        assert.equal(emulator.count({ vault: "dev", route: /recover/ }), 2);
    });

    it("destroy with purge then up creates the names anew", async () => {
        const ws = await workspace();
        const specs = [{ name: "purged-a", purgeOnDelete: true }];
        await ws.declare(specs, valuesFor(specs, "1"));
        succeeded(await ws.up());
        succeeded(await ws.run(["destroy", "--yes", "--skip-preview"]));
        assert.equal(emulator.count({ vault: "dev", method: "DELETE", route: /deletedsecrets/ }), 1);
        emulator.resetRequests();
        succeeded(await ws.up());
        assert.equal(emulator.count({ vault: "dev", route: /recover/ }), 0);
        assert.equal(emulator.listVersions("dev", "purged-a").length, 1);
    });

    it("purge protection warns and finishes destroy", async () => {
        const ws = await workspace({ vault: "locked" });
        const specs = [{ name: "protected", purgeOnDelete: true }];
        await ws.declare(specs, valuesFor(specs, "1"));
        succeeded(await ws.up());
        const destroy = await ws.run(["destroy", "--yes", "--skip-preview"]);
        succeeded(destroy);
        assert.match(destroy.stdout + destroy.stderr, /purge protection/i);
        assert.equal(Object.keys(await ws.resources()).length, 0);
    });

    it("up waits while the role assignment propagates", async () => {
        const ws = await workspace();
        ws.setEnv({ AZURE_KEYVAULT_ROLE_ASSIGNMENT_WAIT_SECONDS: "60" });
        const specs = [{ name: "after-role" }];
        await ws.declare(specs, valuesFor(specs, "1"));
        emulator.setRole(DEV_CLIENT_ID, "dev", "none");
        emulator.resetRequests();
        let finished = false;
        const up = ws.up().finally(() => (finished = true));
        // Grant the role only once the provider has met a 403, and let it take effect later, as a
        // role assigned in the same deployment does. Waiting for the 403 keeps a slow start of
        // `pulumi` from letting the role apply before the first request.
        while (!finished && emulator.count({ vault: "dev", status: 403 }) === 0) {
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
        emulator.setRole(DEV_CLIENT_ID, "dev", "officer", { afterMs: 3000 });
        succeeded(await up);
        assert.ok(emulator.count({ vault: "dev", status: 403 }) > 0, "no 403 was answered");
        assert.equal(emulator.getSecret("dev", "after-role")?.value, "plain-after-role-1");
    });

    it("up names the missing role when the window ends", async () => {
        const ws = await workspace();
        ws.setEnv({ AZURE_KEYVAULT_ROLE_ASSIGNMENT_WAIT_SECONDS: "2" });
        const specs = [{ name: "never-allowed" }];
        await ws.declare(specs, valuesFor(specs, "1"));
        emulator.setRole(DEV_CLIENT_ID, "dev", "user");
        try {
            const result = await ws.up();
            assert.notEqual(result.code, 0);
            assert.match(result.stdout + result.stderr, /Key Vault Secrets Officer/);
            assert.ok((result.stdout + result.stderr).includes(DEV_CLIENT_ID));
        } finally {
            emulator.setRole(DEV_CLIENT_ID, "dev", "officer");
        }
    });

    it("up of 50 secrets completes while throttled", async () => {
        const ws = await workspace();
        const specs = Array.from({ length: 50 }, (_, i) => ({ name: `bulk-${i}` }));
        await ws.declare(specs, valuesFor(specs, "1"));
        emulator.addFault({ vault: "dev", method: "PUT", status: 429, code: "Throttled", retryAfter: "1", times: 15 });
        emulator.addFault({ vault: "dev", method: "PUT", status: 429, code: "Throttled", times: 10 });
        emulator.resetRequests();
        succeeded(await ws.up());
        assert.equal(emulator.count({ vault: "dev", status: 429 }), 25);
        for (const spec of specs) {
            assert.equal(emulator.getSecret("dev", spec.name)?.value, `plain-${spec.name}-1`);
        }
    });

    it("up renews a token the vault rejects", async () => {
        const ws = await workspace();
        const specs = [{ name: "renewed-a" }, { name: "renewed-b" }];
        await ws.declare(specs, valuesFor(specs, "1"));
        emulator.resetRequests();
        // The first writes wait 2 s before the emulator checks their token. The token expires
        // meanwhile, so they get 401 and the provider has to renew it.
        emulator.addFault({ vault: "dev", method: "PUT", delayMs: 2000, times: 2 });
        // The emulator is shared by the whole file, so wait for a token issued to this `up`.
        const tokensBefore = emulator.issuedTokens().length;
        const up = ws.up();
        while (emulator.issuedTokens().length === tokensBefore) {
            await new Promise((resolve) => setTimeout(resolve, 20));
        }
        emulator.expireTokens();
        succeeded(await up);
        assert.ok(emulator.count({ vault: "dev", status: 401 }) >= 1, "no 401 was answered");
        assert.equal(emulator.count({ vault: "login" }), 2);
        assert.equal(emulator.getSecret("dev", "renewed-b")?.value, "plain-renewed-b-1");
    });

    it("refresh reports each kind of out-of-band change", async () => {
        const ws = await workspace();
        const specs: SecretSpec[] = [
            {
                name: "drifting",
                contentType: "text/plain",
                tags: { owner: "platform" },
                notBefore: "2026-01-01T00:00:00Z",
                expiresOn: "2031-01-01T00:00:00Z",
            },
        ];
        await ws.declare(specs, valuesFor(specs, "1"));
        succeeded(await ws.up());
        const changes: Array<[string, Record<string, unknown>, (outputs: any) => void]> = [
            ["contentType", { contentType: "application/json" }, (o) => assert.equal(o.contentType, "application/json")],
            ["tags", { tags: { owner: "someone-else" } }, (o) => assert.deepEqual(o.tags, { owner: "someone-else" })],
            ["enabled", { enabled: false }, (o) => assert.equal(o.enabled, false)],
            ["expiresOn", { expiresOn: new Date("2032-06-01T00:00:00Z") }, (o) => assert.equal(o.expiresOn, "2032-06-01T00:00:00Z")],
            ["notBefore", { notBefore: new Date("2026-06-01T00:00:00Z") }, (o) => assert.equal(o.notBefore, "2026-06-01T00:00:00Z")],
        ];
        for (const [property, props, expect] of changes) {
            emulator.updateSecretProperties("dev", "drifting", props as any);
            const refresh = await ws.run(["refresh", "--yes", "--skip-preview"]);
            succeeded(refresh);
            expect((await ws.resources())["drifting"].outputs);
            const preview = await ws.run(["preview", "--diff"]);
            assert.match(preview.stdout, new RegExp(`~\\s+${property}`), `${property} drift not shown`);
            succeeded(await ws.up());
            const restored = emulator.getSecret("dev", "drifting");
            assert.ok(restored, `${property}: secret missing after up`);
            assert.equal(restored.contentType, "text/plain");
            assert.deepEqual(restored.tags, { owner: "platform" });
            assert.equal(restored.attributes.enabled, true);
        }
    });

    it("up creates a secret purged out of band again", async () => {
        const ws = await workspace();
        const specs = [{ name: "purged-elsewhere" }];
        await ws.declare(specs, valuesFor(specs, "1"));
        succeeded(await ws.up());
        emulator.deleteSecret("dev", "purged-elsewhere", { purge: true });
        succeeded(await ws.run(["refresh", "--yes", "--skip-preview"]));
        assert.equal((await ws.resources())["purged-elsewhere"], undefined);
        emulator.resetRequests();
        succeeded(await ws.up());
        assert.equal(emulator.getSecret("dev", "purged-elsewhere")?.value, "plain-purged-elsewhere-1");
        assert.equal(emulator.count({ vault: "dev", route: /recover/ }), 0);
    });

    it("failed update keeps the old value and state", async () => {
        const ws = await workspace();
        ws.setEnv({ AZURE_KEYVAULT_MAX_RETRIES: "1", AZURE_KEYVAULT_MAX_RETRY_WAIT_SECONDS: "2" });
        const specs = [{ name: "stubborn" }];
        await ws.declare(specs, valuesFor(specs, "1"));
        succeeded(await ws.up());
        const before = (await ws.resources())["stubborn"].outputs.version;
        await ws.declare(specs, valuesFor(specs, "2"));
        emulator.addFault({ vault: "dev", method: "PUT", status: 500, code: "InternalServerError" });
        const failed = await ws.up();
        assert.notEqual(failed.code, 0);
        assert.equal(emulator.getSecret("dev", "stubborn")?.value, "plain-stubborn-1");
        assert.equal((await ws.resources())["stubborn"].outputs.version, before);
        emulator.clearFaults();
        succeeded(await ws.up());
        assert.equal(emulator.getSecret("dev", "stubborn")?.value, "plain-stubborn-2");
        assert.notEqual((await ws.resources())["stubborn"].outputs.version, before);
    });

    it("preview rejects a plain http vault that is not loopback", async () => {
        const ws = await workspace();
        await ws.check(["config", "set", "vaultUrl", "http://kv.example.invalid/"]);
        const specs = [{ name: "never-sent" }];
        await ws.declare(specs, valuesFor(specs, "1"));
        emulator.resetRequests();
        const preview = await ws.run(["preview"]);
        assert.notEqual(preview.code, 0);
        assert.match(preview.stdout + preview.stderr, /vaultUrl/);
        assert.match(preview.stdout + preview.stderr, /https/i);
        assert.equal(emulator.requests().length, 0);
    });

    it("preview names every missing credential setting", async () => {
        const ws = await PulumiWorkspace.create({ emulator, credentials: "env", env: {} });
        workspaces.push(ws);
        ws.setEnv({ AZURE_TENANT_ID: "", AZURE_CLIENT_ID: "", AZURE_CLIENT_SECRET: "" });
        const specs = [{ name: "no-credentials" }];
        await ws.declare(specs, valuesFor(specs, "1"));
        const preview = await ws.run(["preview"]);
        const output = preview.stdout + preview.stderr;
        assert.notEqual(preview.code, 0);
        assert.match(output, /tenantId/);
        assert.match(output, /clientId/);
        assert.match(output, /clientSecret/);
        assert.match(output, /AZURE_CLIENT_SECRET/);
    });
});
