import { strict as assert } from "node:assert";
import { Emulator, startEmulator } from "../../emulator";
import { VaultTestClient, fetchAccessToken, requestToken } from "../../emulator/testing";

describe("emulator fault injection", () => {
  let emulator: Emulator;
  let client: VaultTestClient;

  beforeEach(async () => {
    emulator = await startEmulator();
    client = new VaultTestClient(
      emulator.vaultUrl("dev"),
      await fetchAccessToken(emulator.authorityHost),
    );
    await client.set("target", { value: "v" });
  });

  afterEach(async () => {
    await emulator.close();
  });

  it("answers 429 Throttled without Retry-After", async () => {
    emulator.addFault({ route: "GET /secrets/{name}", status: 429, times: 1 });
    const response = await client.get("target");
    assert.equal(response.status, 429);
    assert.equal(response.body.error.code, "Throttled");
    assert.match(response.body.error.message, /too many requests/);
    assert.equal(response.headers.get("retry-after"), null);
    assert.ok(response.headers.get("x-ms-request-id"));
    assert.equal((await client.get("target")).status, 200);
  });

  it("sends Retry-After in seconds", async () => {
    emulator.addFault({ method: "GET", status: 429, retryAfter: "2", times: 1 });
    const response = await client.get("target");
    assert.equal(response.status, 429);
    assert.equal(response.headers.get("retry-after"), "2");
  });

  it("sends Retry-After as an HTTP date", async () => {
    const date = new Date(Date.now() + 3000).toUTCString();
    emulator.addFault({ status: 429, retryAfter: date, times: 1 });
    const response = await client.get("target");
    assert.equal(response.headers.get("retry-after"), date);
  });

  it("answers 5xx with the usual or given code", async () => {
    emulator.addFault({ status: 503, times: 1 });
    emulator.addFault({ status: 500, code: "InternalError", innerCode: "Boom", times: 1 });
    const first = await client.get("target");
    assert.equal(first.status, 503);
    assert.equal(first.body.error.code, "ServiceUnavailable");
    const second = await client.get("target");
    assert.equal(second.status, 500);
    assert.equal(second.body.error.code, "InternalError");
    assert.equal(second.body.error.innererror.code, "Boom");
  });

  it("drops the connection without an answer", async () => {
    emulator.addFault({ route: /^PUT /, drop: true, times: 1 });
    emulator.resetRequests();
    await assert.rejects(client.set("target", { value: "w" }), TypeError);
    const dropped = emulator.requests().filter((r) => r.method === "PUT");
    assert.equal(dropped.length, 1);
    assert.equal(dropped[0].status, 0);
    assert.equal((await client.get("target")).body.value, "v");
  });

  it("delays an answer and still serves it", async () => {
    emulator.addFault({ delayMs: 120, times: 1 });
    const startedAt = Date.now();
    const response = await client.get("target");
    assert.ok(Date.now() - startedAt >= 115, "the answer came too early");
    assert.equal(response.status, 200);
    assert.equal(response.body.value, "v");
  });

  it("counts a rule down and removes it", async () => {
    emulator.addFault({ status: 503, times: 2 });
    assert.equal((await client.get("target")).status, 503);
    assert.equal((await client.get("target")).status, 503);
    assert.equal((await client.get("target")).status, 200);
  });

  it("applies the first matching rule", async () => {
    emulator.addFault({ vault: "dev", status: 500, code: "First", times: 1 });
    emulator.addFault({ vault: "dev", status: 500, code: "Second", times: 1 });
    assert.equal((await client.get("target")).body.error.code, "First");
    assert.equal((await client.get("target")).body.error.code, "Second");
  });

  it("matches a raw path and skips other vaults and methods", async () => {
    emulator.addFault({ vault: "other", status: 500 });
    emulator.addFault({ method: "DELETE", status: 500 });
    emulator.addFault({ route: "/secrets/target", status: 418, times: 1 });
    assert.equal((await client.get("target")).status, 418);
    assert.equal((await client.get("target")).status, 200);
    emulator.clearFaults();
    assert.equal((await client.send("DELETE", "secrets/target")).status, 200);
  });

  it("fails token requests in the identity platform format", async () => {
    emulator.addFault({ vault: "login", status: 503, retryAfter: "1", times: 1 });
    const failed = await requestToken(emulator.authorityHost);
    assert.equal(failed.status, 503);
    assert.equal(typeof failed.body.error, "string");
    assert.ok(Array.isArray(failed.body.error_codes));
    assert.equal(failed.headers.get("retry-after"), "1");
    assert.equal((await requestToken(emulator.authorityHost)).status, 200);
  });
});

describe("emulator request counting", () => {
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator({ vaults: [{ name: "dev" }, { name: "other" }] });
  });

  after(async () => {
    await emulator.close();
  });

  it("records every request with route, status and request id", async () => {
    emulator.resetRequests();
    const token = await fetchAccessToken(emulator.authorityHost);
    const dev = new VaultTestClient(emulator.vaultUrl("dev"), token);
    const other = new VaultTestClient(emulator.vaultUrl("other"), token);
    const created = await dev.set("counted", { value: "v" });
    await dev.get("counted");
    await dev.get("counted");
    await dev.get("missing");
    await other.get("counted");

    const records = emulator.requests();
    assert.deepEqual(
      records.map((r) => `${r.vault} ${r.route} ${r.status}`),
      [
        "login POST /{tenant}/oauth2/v2.0/token 200",
        "dev PUT /secrets/{name} 200",
        "dev GET /secrets/{name} 200",
        "dev GET /secrets/{name} 200",
        "dev GET /secrets/{name} 404",
        "other GET /secrets/{name} 404",
      ],
    );
    assert.equal(records[1].requestId, created.headers.get("x-ms-request-id"));
    assert.equal(records[1].path, "/secrets/counted?api-version=2025-07-01");
    assert.ok(records[1].at instanceof Date);

    assert.equal(emulator.count(), 6);
    assert.equal(emulator.count({ vault: "login" }), 1);
    assert.equal(emulator.count({ vault: "dev", method: "GET" }), 3);
    assert.equal(emulator.count({ route: "GET /secrets/{name}", status: 404 }), 2);
    assert.equal(emulator.count({ route: /^GET / }), 4);
    assert.equal(emulator.count({ route: /counted/ }), 4);

    emulator.resetRequests();
    assert.equal(emulator.count(), 0);
  });

  it("counts unmatched paths as unknown", async () => {
    emulator.resetRequests();
    const client = new VaultTestClient(
      emulator.vaultUrl("dev"),
      await fetchAccessToken(emulator.authorityHost),
    );
    const response = await client.send("GET", "keys/k");
    assert.equal(response.status, 404);
    assert.equal(emulator.count({ vault: "dev", route: "unknown", status: 404 }), 1);
  });
});
