import { strict as assert } from "node:assert";
import {
  DEV_CLIENT_ID,
  DEV_CLIENT_SECRET,
  DEV_TENANT_ID,
  Emulator,
  startEmulator,
} from "../../emulator";
import { VaultTestClient, fetchAccessToken, waitFor } from "../../emulator/testing";

const READER = { tenantId: DEV_TENANT_ID, clientId: "reader-app", clientSecret: "reader-secret" };
const OUTSIDER = {
  tenantId: DEV_TENANT_ID,
  clientId: "outsider-app",
  clientSecret: "outsider-secret",
};

describe("emulator role-based access", () => {
  let emulator: Emulator;
  let officer: VaultTestClient;
  let reader: VaultTestClient;
  let outsider: VaultTestClient;

  beforeEach(async () => {
    emulator = await startEmulator({
      vaults: [{ name: "dev", deleteDelayMs: 0 }, { name: "open" }],
      principals: [
        { tenantId: DEV_TENANT_ID, clientId: DEV_CLIENT_ID, clientSecret: DEV_CLIENT_SECRET },
        { ...READER, roles: { dev: "user" } },
        { ...OUTSIDER, roles: { dev: "none" } },
      ],
    });
    const url = emulator.vaultUrl("dev");
    officer = new VaultTestClient(url, await fetchAccessToken(emulator.authorityHost));
    reader = new VaultTestClient(url, await fetchAccessToken(emulator.authorityHost, READER));
    outsider = new VaultTestClient(url, await fetchAccessToken(emulator.authorityHost, OUTSIDER));
    await officer.set("shared", { value: "v" });
  });

  afterEach(async () => {
    await emulator.close();
  });

  it("lets a secrets user read values and list", async () => {
    assert.equal((await reader.get("shared")).status, 200);
    assert.equal((await reader.send("GET", "secrets")).status, 200);
    assert.equal((await reader.send("GET", "secrets/shared/versions")).status, 200);
  });

  it("refuses writes by a secrets user with ForbiddenByRbac", async () => {
    const response = await reader.set("shared", { value: "w" });
    assert.equal(response.status, 403);
    assert.equal(response.body.error.code, "Forbidden");
    assert.equal(response.body.error.innererror.code, "ForbiddenByRbac");
    const message: string = response.body.error.message;
    assert.match(message, /^Caller is not authorized to perform action on resource\./);
    assert.match(message, /please observe propagation time/);
    assert.match(
      message,
      /Caller: appid=reader-app;oid=[0-9a-f-]{36};iss=https:\/\/sts\.windows\.net\//,
    );
    assert.match(message, /Action: 'Microsoft\.KeyVault\/vaults\/secrets\/setSecret\/action'/);
    assert.match(message, /\/vaults\/dev\/secrets\/shared'/);
  });

  it("refuses delete, recover and purge to a secrets user", async () => {
    assert.equal((await reader.send("DELETE", "secrets/shared")).status, 403);
    await officer.send("DELETE", "secrets/shared");
    assert.equal((await reader.send("GET", "deletedsecrets/shared")).status, 403);
    assert.equal((await reader.send("POST", "deletedsecrets/shared/recover")).status, 403);
    assert.equal((await reader.send("DELETE", "deletedsecrets/shared")).status, 403);
    assert.equal((await officer.send("DELETE", "deletedsecrets/shared")).status, 204);
  });

  it("refuses every call of a principal without a role", async () => {
    for (const response of [await outsider.get("shared"), await outsider.send("GET", "secrets")]) {
      assert.equal(response.status, 403);
      assert.equal(response.body.error.innererror.code, "ForbiddenByRbac");
    }
  });

  it("gives officer on vaults a principal has no role entry for", async () => {
    const open = new VaultTestClient(emulator.vaultUrl("open"), reader.token);
    assert.equal((await open.set("mine", { value: "x" })).status, 200);
  });

  it("applies a role change only after its delay", async () => {
    const startedAt = Date.now();
    emulator.setRole("reader-app", "dev", "officer", { afterMs: 150 });
    assert.equal((await reader.set("shared", { value: "w" })).status, 403);
    await waitFor(async () => (await reader.set("shared", { value: "w" })).status === 200);
    assert.ok(Date.now() - startedAt >= 150);
  });

  it("revokes a role after its delay", async () => {
    emulator.setRole(DEV_CLIENT_ID, "dev", "none", { afterMs: 50 });
    assert.equal((await officer.get("shared")).status, 200);
    await waitFor(async () => (await officer.get("shared")).status === 403);
  });

  it("rejects a role for an unknown client id", () => {
    assert.throws(() => emulator.setRole("nobody", "dev", "officer"), /nobody/);
  });
});
