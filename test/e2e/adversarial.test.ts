import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

import { startEmulator, type Emulator } from "../../emulator";
import { assertNoSecretsInOutput, PulumiWorkspace, type PulumiResult } from "./harness";

/** Key of Pulumi's signature property, and its value for an encrypted secret in a state file. */
const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

interface Spec {
    name: string;
    vault: string;
    secretName?: string;
    fromEcho?: boolean;
    expiresFromEcho?: boolean;
    contentType?: string;
    tags?: Record<string, string>;
    enabled?: boolean;
    notBefore?: string;
    expiresOn?: string;
    purgeOnDelete?: boolean;
}

// The real `pulumi` CLI on a program whose secrets can move between vaults and take their value
// from a resource that is unknown during a preview.
describe("e2e: adversarial", function () {
    this.timeout(300_000);

    let emulator: Emulator;
    const workspaces: PulumiWorkspace[] = [];
    const plainValues: string[] = [];

    before(async () => {
        emulator = await startEmulator({
            vaults: [{ name: "dev" }, { name: "other" }],
        });
    });

    afterEach(() => {
        emulator.clearFaults();
    });

    after(async () => {
        const tokens = emulator.issuedTokens();
        await emulator?.close();
        assertNoSecretsInOutput(workspaces, tokens, [...plainValues]);
        for (const workspace of workspaces) workspace.dispose();
    });

    async function workspace(): Promise<PulumiWorkspace> {
        const created = await PulumiWorkspace.create({ emulator });
        workspaces.push(created);
        fs.copyFileSync(
            path.join(__dirname, "adversarial-program", "index.ts"),
            path.join(created.dir, "index.ts"),
        );
        const vaults = { dev: emulator.vaultUrl("dev"), other: emulator.vaultUrl("other") };
        await created.check(["config", "set", "--plaintext", "vaults", JSON.stringify(vaults)]);
        return created;
    }

    async function declare(ws: PulumiWorkspace, specs: Spec[], values: Record<string, string>) {
        plainValues.push(...Object.values(values));
        await ws.check(["config", "set", "--plaintext", "secrets", JSON.stringify(specs)]);
        await ws.check(["config", "set", "--secret", "values", JSON.stringify(values)]);
    }

    function succeeded(result: PulumiResult): void {
        assert.equal(result.code, 0, result.stdout + result.stderr);
    }

    it("refresh keeps the value secret in inputs and outputs", async () => {
        const ws = await workspace();
        await declare(ws, [{ name: "kept-secret", vault: "dev" }], { "kept-secret": "plainA-1" });
        succeeded(await ws.up());
        plainValues.push("plainA-oob");
        emulator.setSecret("dev", "kept-secret", "plainA-oob");
        succeeded(await ws.run(["refresh", "--yes", "--skip-preview"]));
        const { text } = await ws.exportStack();
        assert.ok(!text.includes("plainA-oob"), "refreshed value is in plaintext in the state");
        const resource = (await ws.resources())["kept-secret"];
        assert.equal(resource.inputs.value[SIGNATURE_KEY], SECRET_SIGNATURE);
        assert.equal(resource.outputs.value[SIGNATURE_KEY], SECRET_SIGNATURE);
    });

    it("preview with an unknown value plans an update", async () => {
        const ws = await workspace();
        const specs = [{ name: "echoed", vault: "dev", fromEcho: true }];
        await declare(ws, specs, { echoed: "plainB-" });
        succeeded(await ws.up());
        assert.equal(emulator.getSecret("dev", "echoed")?.value, "plainB-seed-0");
        await ws.check(["config", "set", "seed", "seed-1"]);
        const preview = await ws.run(["preview", "--diff"]);
        succeeded(preview);
        assert.match(preview.stdout, /~\s+value/);
        succeeded(await ws.up());
        assert.equal(emulator.getSecret("dev", "echoed")?.value, "plainB-seed-1");
    });

    it("preview with an unknown expiry plans an update", async () => {
        const ws = await workspace();
        await ws.check(["config", "set", "seed", "2030-01-01T00:00:00Z"]);
        await declare(ws, [{ name: "late-date", vault: "dev" }], { "late-date": "plainH-1" });
        succeeded(await ws.up());
        await ws.check(["config", "set", "seed", "2031-01-01T00:00:00Z"]);
        await declare(ws, [{ name: "late-date", vault: "dev", expiresFromEcho: true }], {
            "late-date": "plainH-1",
        });
        const preview = await ws.run(["preview", "--diff"]);
        succeeded(preview);
        assert.match(preview.stdout, /2 to update/);
        assert.match(preview.stdout, /\+\s+expiresOn/);
        succeeded(await ws.up());
        const stored = emulator.getSecret("dev", "late-date");
        assert.equal(stored?.attributes.exp, Date.UTC(2031, 0, 1) / 1000);
    });

    it("vault change creates in the new vault and deletes the old", async () => {
        const ws = await workspace();
        await declare(ws, [{ name: "mover", vault: "dev" }], { mover: "plainC-1" });
        succeeded(await ws.up());
        await declare(ws, [{ name: "mover", vault: "other" }], { mover: "plainC-1" });
        const up = await ws.up();
        succeeded(up);
        assert.equal(emulator.getSecret("other", "mover")?.value, "plainC-1");
        assert.equal(emulator.getSecret("dev", "mover"), undefined);
        const state = (await ws.resources())["mover"];
        assert.equal(state.outputs.vaultUrl, emulator.vaultUrl("other"));
        succeeded(await ws.up());
    });

    it("secret name change replaces the secret", async () => {
        const ws = await workspace();
        await declare(ws, [{ name: "renamed", vault: "dev", secretName: "name-a" }], { renamed: "plainD-1" });
        succeeded(await ws.up());
        await declare(ws, [{ name: "renamed", vault: "dev", secretName: "name-b" }], { renamed: "plainD-1" });
        succeeded(await ws.up());
        assert.equal(emulator.getSecret("dev", "name-b")?.value, "plainD-1");
        assert.equal(emulator.getSecret("dev", "name-a"), undefined);
    });

    it("failed create leaves no resource in state", async () => {
        const ws = await workspace();
        ws.setEnv({ AZURE_KEYVAULT_MAX_RETRIES: "0" });
        await declare(ws, [{ name: "blocked", vault: "dev" }], { blocked: "plainE-1" });
        emulator.addFault({ vault: "dev", method: "PUT", status: 403, code: "Forbidden", innerCode: "ForbiddenByFirewall" });
        const failed = await ws.up();
        assert.notEqual(failed.code, 0);
        assert.match(failed.stdout + failed.stderr, /firewall/i);
        const { deployment } = await ws.exportStack();
        assert.equal((await ws.resources())["blocked"], undefined);
        assert.deepEqual(deployment.pending_operations ?? [], []);
        assert.equal(emulator.getSecret("dev", "blocked"), undefined);
        emulator.clearFaults();
        succeeded(await ws.up());
        assert.equal(emulator.getSecret("dev", "blocked")?.value, "plainE-1");
    });

    it("up --target changes only the named secret", async () => {
        const ws = await workspace();
        const specs = [
            { name: "aimed", vault: "dev" },
            { name: "spared", vault: "dev" },
        ];
        await declare(ws, specs, { aimed: "plainI-1", spared: "plainJ-1" });
        succeeded(await ws.up());
        await declare(ws, specs, { aimed: "plainI-2", spared: "plainJ-2" });
        const urn = (await ws.resources())["aimed"].urn;
        succeeded(await ws.up("--target", urn));
        assert.equal(emulator.getSecret("dev", "aimed")?.value, "plainI-2");
        assert.equal(emulator.getSecret("dev", "spared")?.value, "plainJ-1");
        succeeded(await ws.up());
        assert.equal(emulator.getSecret("dev", "spared")?.value, "plainJ-2");
        succeeded(await ws.run(["preview", "--expect-no-changes"]));
    });

    it("dates with offsets converge", async () => {
        const ws = await workspace();
        const specs = [{ name: "dated", vault: "dev", notBefore: "2030-01-01T02:00:00+02:00", expiresOn: "2031-06-01T00:00:00-05:00" }];
        await declare(ws, specs, { dated: "plainF-1" });
        succeeded(await ws.up());
        const stored = emulator.getSecret("dev", "dated");
        assert.equal(stored?.attributes.nbf, Date.UTC(2030, 0, 1) / 1000);
        assert.equal(stored?.attributes.exp, Date.UTC(2031, 5, 1, 5) / 1000);
        emulator.resetRequests();
        const preview = await ws.run(["preview", "--diff", "--expect-no-changes"]);
        succeeded(preview);
        succeeded(await ws.run(["refresh", "--yes", "--skip-preview"]));
        succeeded(await ws.run(["preview", "--expect-no-changes"]));
    });

    it("disabled secret with a value change converges", async () => {
        const ws = await workspace();
        await declare(ws, [{ name: "dormant", vault: "dev", enabled: false }], { dormant: "plainG-1" });
        succeeded(await ws.up());
        await declare(ws, [{ name: "dormant", vault: "dev", enabled: false }], { dormant: "plainG-2" });
        succeeded(await ws.up());
        assert.equal(emulator.getSecret("dev", "dormant")?.value, "plainG-2");
        assert.equal(emulator.getSecret("dev", "dormant")?.attributes.enabled, false);
        succeeded(await ws.run(["refresh", "--yes", "--skip-preview"]));
        succeeded(await ws.run(["preview", "--expect-no-changes"]));
        emulator.deleteSecret("dev", "dormant");
        succeeded(await ws.run(["refresh", "--yes", "--skip-preview"]));
        succeeded(await ws.up());
        assert.equal(emulator.getSecret("dev", "dormant")?.value, "plainG-2");
    });
});
