import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEV_CLIENT_ID, Emulator, startEmulator } from "../../emulator";
import { CLI_DEFAULTS, parseCliArgs } from "../../emulator/cli";
import { VaultTestClient, fetchAccessToken, waitFor } from "../../emulator/testing";

describe("emulator persistence", () => {
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), "kv-emulator-"));
  });

  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it("restores secrets, versions and deleted secrets after a restart", async () => {
    const dataFile = join(folder, "nested", "dir", "vault-data.json");
    const vaults = [{ name: "dev", deleteDelayMs: 0 }];
    const first = await startEmulator({ vaults, dataFile });
    const token = await fetchAccessToken(first.authorityHost);
    const client = new VaultTestClient(first.vaultUrl("dev"), token);
    const v1 = await client.set("kept", {
      value: "one",
      tags: { a: "b" },
      contentType: "text/plain",
    });
    await client.set("kept", { value: "two" });
    await client.set("removed", { value: "gone" });
    await client.send("DELETE", "secrets/removed");
    await first.close();

    const stored = readFileSync(dataFile, "utf8");
    assert.ok(!stored.includes(token), "the data file must not contain tokens");
    assert.deepEqual(
      readdirSync(join(folder, "nested", "dir")),
      ["vault-data.json"],
      "no temporary file is left behind",
    );

    const second = await startEmulator({ vaults, dataFile });
    try {
      assert.equal(second.count(), 0, "request counts start again at zero");
      const restarted = new VaultTestClient(
        second.vaultUrl("dev"),
        await fetchAccessToken(second.authorityHost),
      );
      assert.equal((await restarted.get("kept")).body.value, "two");
      const old = await restarted.get("kept", v1.body.id.split("/").pop());
      assert.equal(old.body.value, "one");
      assert.deepEqual(old.body.tags, { a: "b" });
      assert.equal(old.body.contentType, "text/plain");
      assert.equal((await restarted.send("GET", "deletedsecrets/removed")).status, 200);
    } finally {
      await second.close();
    }
  });

  it("writes the file after every change", async () => {
    const dataFile = join(folder, "data.json");
    const emulator = await startEmulator({ dataFile });
    try {
      emulator.setSecret("dev", "first", "v");
      const afterSet = JSON.parse(readFileSync(dataFile, "utf8"));
      assert.equal(afterSet.vaults.dev.secrets[0].name, "first");
      emulator.deleteSecret("dev", "first", { purge: true });
      const afterPurge = JSON.parse(readFileSync(dataFile, "utf8"));
      assert.deepEqual(afterPurge.vaults.dev.secrets, []);
    } finally {
      await emulator.close();
    }
  });

  it("keeps data of vaults it does not serve", async () => {
    const dataFile = join(folder, "data.json");
    const a = await startEmulator({ vaults: [{ name: "a" }], dataFile });
    a.setSecret("a", "in-a", "v");
    await a.close();
    const b = await startEmulator({ vaults: [{ name: "b" }], dataFile });
    b.setSecret("b", "in-b", "v");
    await b.close();
    const again = await startEmulator({ vaults: [{ name: "a" }], dataFile });
    try {
      assert.equal(again.getSecret("a", "in-a")?.value, "v");
    } finally {
      await again.close();
    }
  });

  it("refuses to start on a corrupt data file", async () => {
    const dataFile = join(folder, "data.json");
    writeFileSync(dataFile, "{ not json");
    await assert.rejects(startEmulator({ dataFile }), /not valid JSON/);
  });
});

describe("emulator out-of-band access", () => {
  let emulator: Emulator;
  let client: VaultTestClient;

  beforeEach(async () => {
    emulator = await startEmulator();
    client = new VaultTestClient(
      emulator.vaultUrl("dev"),
      await fetchAccessToken(emulator.authorityHost),
    );
    emulator.resetRequests();
  });

  afterEach(async () => {
    await emulator.close();
  });

  it("sets a secret that clients then read", async () => {
    const bundle = emulator.setSecret("dev", "oob", "value", {
      contentType: "text/plain",
      tags: { by: "test" },
      notBefore: new Date("2030-01-01T00:00:00Z"),
      expiresOn: new Date("2031-01-01T00:00:00Z"),
    });
    assert.equal(bundle.value, "value");
    assert.equal(bundle.attributes.nbf, 1893456000);
    assert.equal(bundle.attributes.exp, 1924992000);
    const response = await client.get("oob");
    assert.equal(response.body.value, "value");
    assert.equal(response.body.id, bundle.id);
  });

  it("bypasses faults and is not counted", async () => {
    emulator.addFault({ status: 500 });
    emulator.setSecret("dev", "quiet", "v");
    assert.equal(emulator.getSecret("dev", "quiet")?.value, "v");
    assert.equal(emulator.count(), 0);
  });

  it("updates the latest version", async () => {
    emulator.setSecret("dev", "upd", "v1");
    emulator.setSecret("dev", "upd", "v2", { tags: { keep: "me" } });
    emulator.updateSecretProperties("dev", "upd", { enabled: false, contentType: "x" });
    const latest = emulator.getSecret("dev", "upd");
    assert.equal(latest?.attributes.enabled, false);
    assert.equal(latest?.contentType, "x");
    assert.deepEqual(latest?.tags, { keep: "me" });
    assert.equal((await client.get("upd")).status, 403);
  });

  it("lists versions oldest first", () => {
    emulator.setSecret("dev", "lv", "a");
    emulator.setSecret("dev", "lv", "b");
    assert.deepEqual(
      emulator.listVersions("dev", "lv").map((v) => v.value),
      ["a", "b"],
    );
    assert.deepEqual(emulator.listVersions("dev", "never"), []);
  });

  it("deletes at once and purges", async () => {
    emulator.setSecret("dev", "del", "v");
    emulator.deleteSecret("dev", "del");
    assert.equal(emulator.getSecret("dev", "del"), undefined);
    assert.equal((await client.send("GET", "deletedsecrets/del")).status, 200);
    assert.throws(() => emulator.setSecret("dev", "del", "again"), /deleted but recoverable/);
    emulator.deleteSecret("dev", "del", { purge: true });
    assert.equal((await client.send("GET", "deletedsecrets/del")).status, 404);
    emulator.setSecret("dev", "del", "again");
  });

  it("rejects unknown vaults and invalid names", () => {
    assert.throws(() => emulator.setSecret("nope", "a", "v"), /Unknown vault 'nope'/);
    assert.throws(() => emulator.setSecret("dev", "bad_name", "v"), /invalid/);
    assert.throws(() => emulator.updateSecretProperties("dev", "missing", {}), /not found/);
  });
});

describe("emulator control API", () => {
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator();
  });

  after(async () => {
    await emulator.close();
  });

  async function control(method: string, path: string, body?: unknown) {
    const response = await fetch(`${emulator.authorityHost}/_emulator/${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  it("reports vault URLs and the authority", async () => {
    const health = await control("GET", "health");
    assert.equal(health.status, 200);
    assert.equal(health.body.authorityHost, emulator.authorityHost);
    assert.equal(health.body.vaults.dev, emulator.vaultUrl("dev"));
  });

  it("manages secrets, faults, roles and tokens", async () => {
    const token = await fetchAccessToken(emulator.authorityHost);
    const client = new VaultTestClient(emulator.vaultUrl("dev"), token);
    assert.equal((await control("PUT", "vaults/dev/secrets/ctl", { value: "v" })).status, 200);
    assert.equal((await control("GET", "vaults/dev/secrets/ctl")).body.value, "v");
    assert.equal((await control("GET", "vaults/dev/secrets/ctl/versions")).body.value.length, 1);

    assert.equal(
      (await control("POST", "faults", { routePattern: "^GET ", status: 503, times: 1 })).status,
      204,
    );
    assert.equal((await client.get("ctl")).status, 503);
    assert.equal((await client.get("ctl")).status, 200);

    await control("POST", "roles", {
      clientId: DEV_CLIENT_ID,
      vault: "dev",
      role: "user",
      afterMs: 0,
    });
    assert.equal((await client.set("ctl", { value: "w" })).status, 403);
    await control("POST", "roles", { clientId: DEV_CLIENT_ID, vault: "dev", role: "officer" });

    await control("POST", "tokens/expire");
    assert.equal((await client.get("ctl")).status, 401);

    const log = await control("GET", "requests");
    assert.ok(log.body.value.every((r: { path: string }) => !r.path.startsWith("/_emulator")));
    assert.equal((await control("DELETE", "requests")).status, 204);
    assert.equal(emulator.count(), 0);
    assert.equal((await control("DELETE", "vaults/dev/secrets/ctl?purge=true")).status, 204);
    assert.equal((await control("GET", "vaults/dev/secrets/ctl")).status, 404);
  });

  it("answers 404 for unknown routes", async () => {
    assert.equal((await control("GET", "nothing")).status, 404);
  });
});

describe("emulator ports", () => {
  it("reports a port already in use", async () => {
    const first = await startEmulator();
    try {
      const port = Number(new URL(first.vaultUrl("dev")).port);
      const clash = startEmulator({ vaults: [{ name: "dev", port }] });
      await assert.rejects(clash, new RegExp(`Port ${port} on 127.0.0.1 is already in use`));
    } finally {
      await first.close();
    }
  });
});

describe("emulator command line", () => {
  it("uses the documented defaults", () => {
    const options = parseCliArgs([]);
    assert.deepEqual(options, CLI_DEFAULTS);
    assert.equal(CLI_DEFAULTS.authorityPort, 47900);
    assert.deepEqual(CLI_DEFAULTS.vaults, [{ name: "dev", port: 47901 }]);
    assert.equal(CLI_DEFAULTS.dataFile, ".emulator/vault-data.json");
  });

  it("parses ports, vaults and the data file", () => {
    const options = parseCliArgs([
      "--port",
      "5000",
      "--vault",
      "a:5001",
      "--vault",
      "b",
      "--data-file",
      "x.json",
    ]);
    assert.deepEqual(options, {
      authorityPort: 5000,
      vaults: [{ name: "a", port: 5001 }, { name: "b" }],
      dataFile: "x.json",
    });
    assert.equal(parseCliArgs(["--help"]), "help");
  });

  it("rejects invalid arguments", () => {
    assert.throws(() => parseCliArgs(["--port", "70000"]), /0 to 65535/);
    assert.throws(() => parseCliArgs(["--vault", "a:b:c"]), /NAME:PORT/);
    assert.throws(() => parseCliArgs(["--port"]), /needs a value/);
    assert.throws(() => parseCliArgs(["--verbose"]), /Unknown option/);
  });
});

describe("emulator waits", () => {
  it("times out a condition that never holds", async () => {
    await assert.rejects(
      waitFor(() => false, 20),
      /within 20 ms/,
    );
  });
});
