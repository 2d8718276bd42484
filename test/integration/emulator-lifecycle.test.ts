import { strict as assert } from "node:assert";
import { Emulator, VaultOptions, startEmulator } from "../../emulator";
import { JsonResponse, VaultTestClient, fetchAccessToken, waitFor } from "../../emulator/testing";

// Windows are long enough that the checks made right after a request land inside them, and
// the tests poll for their end instead of sleeping.
const WINDOW_MS = 400;

function assertError(response: JsonResponse, status: number, code: string, innerCode?: string) {
  assert.equal(response.status, status);
  assert.equal(response.body.error.code, code);
  assert.equal(response.body.error.innererror?.code, innerCode);
}

async function startVault(options: Omit<VaultOptions, "name"> = {}) {
  const emulator = await startEmulator({ vaults: [{ name: "dev", ...options }] });
  const token = await fetchAccessToken(emulator.authorityHost);
  return { emulator, client: new VaultTestClient(emulator.vaultUrl("dev"), token) };
}

describe("emulator soft delete", () => {
  let emulator: Emulator;
  let client: VaultTestClient;

  beforeEach(async () => {
    ({ emulator, client } = await startVault({
      deleteDelayMs: WINDOW_MS,
      recoverDelayMs: WINDOW_MS,
      purgeDelayMs: WINDOW_MS,
      retentionDays: 7,
    }));
    await client.set("life", { value: "v1", tags: { a: "b" } });
    await client.set("life", { value: "v2" });
  });

  afterEach(async () => {
    await emulator.close();
  });

  it("returns the deleted bundle without value", async () => {
    const response = await client.send("DELETE", "secrets/life");
    assert.equal(response.status, 200);
    const bundle = response.body;
    assert.equal(bundle.value, undefined);
    assert.equal(bundle.recoveryId, `${emulator.vaultUrl("dev")}deletedsecrets/life`);
    assert.ok(Math.abs(bundle.deletedDate - Date.now() / 1000) < 5);
    assert.equal(bundle.scheduledPurgeDate, bundle.deletedDate + 7 * 86400);
    assert.equal(bundle.attributes.recoverableDays, 7);
    assert.equal(bundle.attributes.recoveryLevel, "CustomizedRecoverable+Purgeable");
  });

  it("answers as being deleted during the delete window", async () => {
    assert.equal((await client.send("DELETE", "secrets/life")).status, 200);
    assertError(await client.get("life"), 404, "SecretNotFound");
    assertError(await client.send("GET", "deletedsecrets/life"), 404, "SecretNotFound");
    assertError(await client.set("life", { value: "x" }), 409, "Conflict", "ObjectIsBeingDeleted");
    assertError(
      await client.send("DELETE", "deletedsecrets/life"),
      409,
      "Conflict",
      "ObjectIsBeingDeleted",
    );
    assertError(await client.send("DELETE", "secrets/life"), 404, "SecretNotFound");
  });

  it("keeps a deleted but recoverable secret after the window", async () => {
    await client.send("DELETE", "secrets/life");
    await waitFor(async () => (await client.send("GET", "deletedsecrets/life")).status === 200);
    const deleted = await client.send("GET", "deletedsecrets/life");
    assert.equal(deleted.body.value, undefined);
    assert.match(deleted.body.id, /\/secrets\/life\/[0-9a-f]{32}$/);
    const conflict = await client.set("life", { value: "x" });
    assertError(conflict, 409, "Conflict", "ObjectIsDeletedButRecoverable");
    assert.match(
      conflict.body.error.message,
      /Secret life is currently in a deleted but recoverable/,
    );
    assertError(await client.get("life"), 404, "SecretNotFound");
    const listed = await client.send("GET", "deletedsecrets");
    assert.deepEqual(
      listed.body.value.map((item: { recoveryId: string }) => item.recoveryId.split("/").pop()),
      ["life"],
    );
  });

  it("recovers all versions after the recover window", async () => {
    await client.send("DELETE", "secrets/life");
    await waitFor(async () => (await client.send("GET", "deletedsecrets/life")).status === 200);
    const recovered = await client.send("POST", "deletedsecrets/life/recover");
    assert.equal(recovered.status, 200);
    assert.equal(recovered.body.value, undefined);
    assert.equal(recovered.body.recoveryId, undefined);
    assert.match(recovered.body.id, /\/secrets\/life\/[0-9a-f]{32}$/);

    assertError(await client.get("life"), 404, "SecretNotFound");
    assertError(
      await client.set("life", { value: "x" }),
      409,
      "Conflict",
      "ObjectIsBeingRecovered",
    );
    assertError(await client.send("GET", "deletedsecrets/life"), 404, "SecretNotFound");

    await waitFor(async () => (await client.get("life")).status === 200);
    assert.equal((await client.get("life")).body.value, "v2");
    const versions = await client.send("GET", "secrets/life/versions");
    assert.equal(versions.body.value.length, 2);
  });

  it("frees the name after purge and the purge window", async () => {
    await client.send("DELETE", "secrets/life");
    await waitFor(async () => (await client.send("GET", "deletedsecrets/life")).status === 200);
    const purged = await client.send("DELETE", "deletedsecrets/life");
    assert.equal(purged.status, 204);
    assert.equal(purged.body, undefined);
    assertError(await client.set("life", { value: "x" }), 409, "Conflict", "ObjectIsBeingDeleted");

    await waitFor(async () => (await client.send("GET", "deletedsecrets/life")).status === 404);
    const recreated = await client.set("life", { value: "fresh" });
    assert.equal(recreated.status, 200);
    assert.equal((await client.send("GET", "secrets/life/versions")).body.value.length, 1);
  });

  it("returns 404 for recover and purge of unknown names", async () => {
    assertError(await client.send("POST", "deletedsecrets/nope/recover"), 404, "SecretNotFound");
    assertError(await client.send("DELETE", "deletedsecrets/nope"), 404, "SecretNotFound");
    assertError(await client.send("DELETE", "secrets/nope"), 404, "SecretNotFound");
  });
});

describe("emulator purge protection", () => {
  it("refuses purge with 403 Forbidden", async () => {
    const { emulator, client } = await startVault({ purgeProtection: true, deleteDelayMs: 0 });
    try {
      const created = await client.set("kept", { value: "x" });
      assert.equal(created.body.attributes.recoveryLevel, "Recoverable");
      await client.send("DELETE", "secrets/kept");
      const response = await client.send("DELETE", "deletedsecrets/kept");
      assertError(response, 403, "Forbidden");
      assert.match(response.body.error.message, /purge protection is enabled/);
      assert.equal((await client.send("GET", "deletedsecrets/kept")).status, 200);
    } finally {
      await emulator.close();
    }
  });
});

describe("emulator vault without soft delete", () => {
  it("deletes at once with no recovery fields", async () => {
    const { emulator, client } = await startVault({ softDelete: false });
    try {
      const created = await client.set("gone", { value: "x" });
      assert.equal(created.body.attributes.recoveryLevel, "Purgeable");
      assert.equal(created.body.attributes.recoverableDays, undefined);
      const deleted = await client.send("DELETE", "secrets/gone");
      assert.equal(deleted.status, 200);
      assert.equal(deleted.body.recoveryId, undefined);
      assert.equal(deleted.body.deletedDate, undefined);
      assertError(await client.get("gone"), 404, "SecretNotFound");
      assertError(await client.send("GET", "deletedsecrets/gone"), 404, "SecretNotFound");
      assert.equal((await client.set("gone", { value: "again" })).status, 200);
    } finally {
      await emulator.close();
    }
  });
});
