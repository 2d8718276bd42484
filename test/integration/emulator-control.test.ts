import { strict as assert } from "node:assert";

import { Emulator, startEmulator } from "../../emulator";

describe("emulator control API input", () => {
  let emulator: Emulator;

  beforeEach(async () => {
    emulator = await startEmulator();
  });

  afterEach(async () => {
    await emulator.close();
  });

  async function putSecret(body: unknown) {
    const url = `${emulator.authorityHost}/_emulator/vaults/dev/secrets/ctl`;
    const response = await fetch(url, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  for (const [title, body] of [
    ["missing value", { contentType: "text/plain" }],
    ["number value", { value: 5 }],
    ["null value", { value: null }],
  ] as const) {
    it(`rejects a ${title}`, async () => {
      const response = await putSecret(body);
      assert.equal(response.status, 400);
      assert.match(response.body.error.message, /value/);
      assert.equal(emulator.getSecret("dev", "ctl"), undefined);
    });
  }

  it("stores an empty string value", async () => {
    assert.equal((await putSecret({ value: "" })).status, 200);
    assert.equal(emulator.getSecret("dev", "ctl")?.value, "");
  });
});
