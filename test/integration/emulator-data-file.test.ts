import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { Emulator, startEmulator } from "../../emulator";
import { VaultTestClient, fetchAccessToken, waitFor } from "../../emulator/testing";

// The data file contains the values of every secret the vault still keeps, deleted ones
// included. A value must leave the file when its secret is purged, by request or because its
// retention ended.
describe("emulator data file hygiene", () => {
  let folder: string;
  let dataFile: string;
  let emulator: Emulator | undefined;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), "kv-data-file-"));
    dataFile = join(folder, "vault-data.json");
  });

  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
    rmSync(folder, { recursive: true, force: true });
  });

  async function client(): Promise<VaultTestClient> {
    const token = await fetchAccessToken(emulator!.authorityHost);
    return new VaultTestClient(emulator!.vaultUrl("dev"), token);
  }

  it("drops a value once its purge ends", async () => {
    emulator = await startEmulator({
      vaults: [{ name: "dev", deleteDelayMs: 0, purgeDelayMs: 50 }],
      dataFile,
    });
    const vault = await client();
    await vault.set("purged", { value: "purged-value-5c1e" });
    await vault.set("kept", { value: "kept-value-92ad" });
    assert.equal((await vault.send("DELETE", "secrets/purged")).status, 200);
    assert.equal((await vault.send("DELETE", "deletedsecrets/purged")).status, 204);
    await waitFor(async () => (await vault.send("GET", "deletedsecrets/purged")).status === 404);
    const stored = readFileSync(dataFile, "utf8");
    assert.ok(!stored.includes("purged-value-5c1e"), "a purged value is still in the data file");
    assert.ok(stored.includes("kept-value-92ad"));
  });

  it("drops a value whose retention ended", async () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const expired = {
      name: "expired",
      state: "deleted",
      deletedDate: nowSeconds - 8 * 86_400,
      scheduledPurgeDate: nowSeconds - 86_400,
      versions: [
        {
          version: "0123456789abcdef0123456789abcdef",
          value: "expired-value-7b3f",
          enabled: true,
          created: nowSeconds - 9 * 86_400,
          updated: nowSeconds - 9 * 86_400,
        },
      ],
    };
    const contents = { formatVersion: 1, vaults: { dev: { secrets: [expired] } } };
    writeFileSync(dataFile, JSON.stringify(contents));
    emulator = await startEmulator({ vaults: [{ name: "dev", retentionDays: 7 }], dataFile });
    const vault = await client();
    const listed = await vault.send("GET", "deletedsecrets");
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.value, []);
    const stored = readFileSync(dataFile, "utf8");
    assert.ok(!stored.includes("expired-value-7b3f"), "an expired value is still in the data file");
  });
});
