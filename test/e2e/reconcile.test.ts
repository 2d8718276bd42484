import * as assert from "node:assert/strict";

import { startEmulator, type Emulator } from "../../emulator";
import { PulumiWorkspace, requestSummary, type SecretSpec } from "./harness";

// The real `pulumi` CLI reconciles KeyVaultSecret resources against the emulator.
describe("e2e: pulumi up against the emulator", function () {
    this.timeout(180_000);

    let emulator: Emulator;
    let workspace: PulumiWorkspace;
    const specs: SecretSpec[] = [
        { name: "db-password", contentType: "text/plain", tags: { owner: "platform" } },
        { name: "api-key", expiresOn: "2030-01-01T00:00:00Z" },
        { name: "storage-connection" },
    ];
    const values: Record<string, string> = {
        "db-password": "e2e-plaintext-db-7f3a",
        "api-key": "e2e-plaintext-api-91c2",
        "storage-connection": "e2e-plaintext-conn-5d8e",
    };

    function writes(): number {
        return ["PUT", "PATCH", "DELETE", "POST"]
            .map((method) => emulator.count({ vault: "dev", method }))
            .reduce((sum, count) => sum + count, 0);
    }

    before(async () => {
        emulator = await startEmulator({ vaults: [{ name: "dev" }] });
        workspace = await PulumiWorkspace.create({ emulator });
        await workspace.declare(specs, values);
    });

    beforeEach(() => {
        emulator.resetRequests();
    });

    afterEach(() => {
        // The request counts of each step, for the record; the assertions are in the tests.
        console.log(`      requests: ${requestSummary(emulator) || "none"}`);
    });

    after(async () => {
        workspace?.dispose();
        await emulator?.close();
    });

    it("up creates every secret", async () => {
        const result = await workspace.up();
        assert.equal(result.code, 0, result.stdout + result.stderr);
        for (const spec of specs) {
            assert.equal(emulator.getSecret("dev", spec.name)?.value, values[spec.name]);
        }
        assert.equal(emulator.getSecret("dev", "db-password")?.contentType, "text/plain");
        assert.deepEqual(emulator.getSecret("dev", "db-password")?.tags, { owner: "platform" });
        assert.equal(emulator.count({ vault: "dev", method: "PUT" }), specs.length);
    });

    it("second up sends no write request", async () => {
        emulator.resetRequests();
        const result = await workspace.up();
        assert.equal(result.code, 0, result.stdout + result.stderr);
        assert.equal(writes(), 0);
    });

    it("preview --diff shows a value change without the value", async () => {
        values["db-password"] = "e2e-plaintext-db-rotated-2b41";
        await workspace.declare(specs, values);
        const preview = await workspace.run(["preview", "--diff"]);
        assert.equal(preview.code, 0, preview.stdout + preview.stderr);
        assert.match(preview.stdout, /~\s+value/);
        assert.match(preview.stdout, /1 to update/);
        assert.doesNotMatch(preview.stdout, /e2e-plaintext-db/);
    });

    it("up after a value change makes a new version", async () => {
        const before = emulator.listVersions("dev", "db-password").length;
        emulator.resetRequests();
        const result = await workspace.up();
        assert.equal(result.code, 0, result.stdout + result.stderr);
        assert.equal(emulator.listVersions("dev", "db-password").length, before + 1);
        assert.equal(emulator.getSecret("dev", "db-password")?.value, values["db-password"]);
        assert.equal(emulator.count({ vault: "dev", method: "PUT" }), 1);
    });

    it("refresh finds an out-of-band value and up restores it", async () => {
        const changed = emulator.setSecret("dev", "api-key", "changed-out-of-band-77", {
            expiresOn: new Date("2030-01-01T00:00:00Z"),
        });
        const refresh = await workspace.run(["refresh", "--yes", "--skip-preview"]);
        assert.equal(refresh.code, 0, refresh.stdout + refresh.stderr);
        const state = await workspace.resources();
        assert.equal(state["api-key"].outputs.version, versionOf(changed.id));
        const preview = await workspace.run(["preview", "--diff"]);
        assert.match(preview.stdout, /~\s+value/);
        const up = await workspace.up();
        assert.equal(up.code, 0, up.stdout + up.stderr);
        assert.equal(emulator.getSecret("dev", "api-key")?.value, values["api-key"]);
    });

    it("up creates a secret deleted out of band again", async () => {
        emulator.deleteSecret("dev", "storage-connection");
        const refresh = await workspace.run(["refresh", "--yes", "--skip-preview"]);
        assert.equal(refresh.code, 0, refresh.stdout + refresh.stderr);
        assert.equal((await workspace.resources())["storage-connection"], undefined);
        const up = await workspace.up();
        assert.equal(up.code, 0, up.stdout + up.stderr);
        assert.equal(emulator.getSecret("dev", "storage-connection")?.value, values["storage-connection"]);
    });

    it("stack export holds no plaintext secret", async () => {
        const { text } = await workspace.exportStack();
        for (const value of Object.values(values)) {
            assert.ok(!text.includes(value), "a secret value is in the exported state");
        }
        assert.ok(!text.includes("changed-out-of-band-77"));
        assert.ok(!text.includes(emulatorClientSecret()), "the client secret is in the exported state");
        assert.ok(emulator.issuedTokens().length > 0);
        for (const token of emulator.issuedTokens()) {
            assert.ok(!text.includes(token), "an access token is in the exported state");
        }
    });

    it("destroy deletes every secret", async () => {
        const result = await workspace.run(["destroy", "--yes", "--skip-preview"]);
        assert.equal(result.code, 0, result.stdout + result.stderr);
        for (const spec of specs) {
            assert.equal(emulator.getSecret("dev", spec.name), undefined);
        }
        assert.equal(Object.keys(await workspace.resources()).length, 0);
    });

    it("no command printed a secret", () => {
        const output = workspace.transcript.join("\n");
        for (const value of [...Object.values(values), emulatorClientSecret()]) {
            assert.ok(!output.includes(value), "a secret reached the CLI output");
        }
        for (const token of emulator.issuedTokens()) {
            assert.ok(!output.includes(token), "an access token reached the CLI output");
        }
    });
});

function versionOf(id: string): string {
    return id.split("/").pop()!;
}

function emulatorClientSecret(): string {
    // Imported lazily so the constant is read from the same module the harness uses.
    return require("../../emulator").DEV_CLIENT_SECRET as string;
}
