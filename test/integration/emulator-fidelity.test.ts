import { strict as assert } from "node:assert";

import { Emulator, VaultOptions, startEmulator } from "../../emulator";
import { JsonResponse, VaultTestClient, fetchAccessToken } from "../../emulator/testing";

// The windows are long enough that the requests made right after the one that opens a window
// land inside it.
const WINDOW_MS = 5000;

function assertError(response: JsonResponse, status: number, code: string, innerCode?: string) {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.equal(response.body.error.code, code);
  assert.equal(response.body.error.innererror?.code, innerCode);
}

async function startVault(options: Omit<VaultOptions, "name">) {
  const emulator = await startEmulator({ vaults: [{ name: "dev", ...options }] });
  const token = await fetchAccessToken(emulator.authorityHost);
  return { emulator, client: new VaultTestClient(emulator.vaultUrl("dev"), token) };
}

describe("emulator fidelity", () => {
  let emulator: Emulator | undefined;

  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it("purge during a recovery is 409", async () => {
    const started = await startVault({ deleteDelayMs: 0, recoverDelayMs: WINDOW_MS });
    emulator = started.emulator;
    const client = started.client;
    await client.set("returning", { value: "v" });
    assert.equal((await client.send("DELETE", "secrets/returning")).status, 200);
    assert.equal((await client.send("POST", "deletedsecrets/returning/recover")).status, 200);
    const purge = await client.send("DELETE", "deletedsecrets/returning");
    assertError(purge, 409, "Conflict", "ObjectIsBeingRecovered");
  });

  // A retention shorter than the default of 90 days shows as a "Customized" recovery level.
  const recoveryLevels: Array<[Omit<VaultOptions, "name">, string]> = [
    [{ retentionDays: 90 }, "Recoverable+Purgeable"],
    [{ retentionDays: 90, purgeProtection: true }, "Recoverable"],
    [{ retentionDays: 7 }, "CustomizedRecoverable+Purgeable"],
    [{ retentionDays: 89, purgeProtection: true }, "CustomizedRecoverable"],
  ];
  for (const [options, level] of recoveryLevels) {
    it(`recovery level ${level} for ${JSON.stringify(options)}`, async () => {
      const started = await startVault(options);
      emulator = started.emulator;
      const created = await started.client.set("leveled", { value: "v" });
      assert.equal(created.body.attributes.recoveryLevel, level);
      assert.equal(created.body.attributes.recoverableDays, options.retentionDays);
    });
  }
});
