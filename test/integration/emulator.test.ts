import { strict as assert } from "node:assert";
import { DEV_CLIENT_ID, DEV_TENANT_ID, Emulator, startEmulator } from "../../emulator";
import { VaultTestClient, fetchAccessToken, requestToken } from "../../emulator/testing";

const VERSION_PATTERN = /^[0-9a-f]{32}$/;

describe("emulator token endpoint", () => {
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator();
  });

  after(async () => {
    await emulator.close();
  });

  it("issues a bearer token for client credentials", async () => {
    const response = await requestToken(emulator.authorityHost);
    assert.equal(response.status, 200);
    assert.equal(response.body.token_type, "Bearer");
    assert.equal(response.body.expires_in, 3600);
    assert.equal(response.body.ext_expires_in, 3600);
    assert.equal(typeof response.body.access_token, "string");
    assert.ok(response.body.access_token.length >= 32);
  });

  it("accepts US government and China scopes", async () => {
    for (const scope of [
      "https://vault.usgovcloudapi.net/.default",
      "https://vault.azure.cn/.default",
    ]) {
      const response = await requestToken(emulator.authorityHost, { scope });
      assert.equal(response.status, 200, scope);
    }
  });

  const failures = [
    {
      title: "unknown tenant",
      options: { tenantId: "11111111-1111-4111-8111-111111111111" },
      status: 400,
      error: "invalid_tenant",
      code: 90002,
    },
    {
      title: "unknown client",
      options: { clientId: "22222222-2222-4222-8222-222222222222" },
      status: 400,
      error: "unauthorized_client",
      code: 700016,
    },
    {
      title: "wrong client secret",
      options: { clientSecret: "not-the-secret" },
      status: 401,
      error: "invalid_client",
      code: 7000215,
    },
    {
      title: "invalid scope",
      options: { scope: "https://management.azure.com/.default" },
      status: 400,
      error: "invalid_scope",
      code: 70011,
    },
  ];
  for (const failure of failures) {
    it(`rejects ${failure.title} with AADSTS${failure.code}`, async () => {
      const response = await requestToken(emulator.authorityHost, failure.options);
      assert.equal(response.status, failure.status);
      assert.equal(response.body.error, failure.error);
      assert.deepEqual(response.body.error_codes, [failure.code]);
      assert.match(response.body.error_description, new RegExp(`^AADSTS${failure.code}: `));
      assert.match(response.body.trace_id, /^[0-9a-f-]{36}$/);
      assert.match(response.body.correlation_id, /^[0-9a-f-]{36}$/);
      assert.match(response.body.timestamp, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    });
  }

  it("never echoes the client secret in errors", async () => {
    const response = await requestToken(emulator.authorityHost, { clientSecret: "s3cr3t-value" });
    assert.equal(response.status, 401);
    assert.ok(!JSON.stringify(response.body).includes("s3cr3t-value"));
  });
});

describe("emulator vault authentication", () => {
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator();
  });

  after(async () => {
    await emulator.close();
  });

  it("challenges a request without a token", async () => {
    const client = new VaultTestClient(emulator.vaultUrl("dev"), undefined);
    const response = await client.set("a", { value: "x" });
    assert.equal(response.status, 401);
    assert.equal(
      response.headers.get("www-authenticate"),
      `Bearer authorization="${emulator.authorityHost}/${DEV_TENANT_ID}", ` +
        'resource="https://vault.azure.net"',
    );
    assert.equal(response.body.error.code, "Unauthorized");
    assert.match(response.body.error.message, /Bearer or PoP token/);
  });

  it("rejects an unknown token with 401 and a challenge", async () => {
    const client = new VaultTestClient(emulator.vaultUrl("dev"), "not-a-token");
    const response = await client.get("a");
    assert.equal(response.status, 401);
    assert.equal(response.body.error.code, "Unauthorized");
    assert.ok(response.headers.get("www-authenticate"));
  });

  it("rejects tokens after expireTokens", async () => {
    const token = await fetchAccessToken(emulator.authorityHost);
    const client = new VaultTestClient(emulator.vaultUrl("dev"), token);
    assert.equal((await client.set("expiring", { value: "x" })).status, 200);
    emulator.expireTokens();
    const expired = await client.get("expiring");
    assert.equal(expired.status, 401);
    assert.equal(expired.body.error.code, "Unauthorized");
    client.token = await fetchAccessToken(emulator.authorityHost);
    assert.equal((await client.get("expiring")).status, 200);
  });

  it("expires tokens after their lifetime", async () => {
    const shortLived = await startEmulator({ tokenLifetimeSeconds: 1 });
    try {
      const response = await requestToken(shortLived.authorityHost);
      assert.equal(response.body.expires_in, 1);
      const client = new VaultTestClient(shortLived.vaultUrl("dev"), response.body.access_token);
      assert.equal((await client.get("missing")).status, 404);
      await new Promise((resolve) => setTimeout(resolve, 1050));
      assert.equal((await client.get("missing")).status, 401);
    } finally {
      await shortLived.close();
    }
  });

  it("requires api-version", async () => {
    const token = await fetchAccessToken(emulator.authorityHost);
    const client = new VaultTestClient(emulator.vaultUrl("dev"), token, null);
    const response = await client.get("a");
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, "BadParameter");
  });

  it("sends request id and service version headers", async () => {
    const token = await fetchAccessToken(emulator.authorityHost);
    const client = new VaultTestClient(emulator.vaultUrl("dev"), token);
    for (const response of [await client.get("missing"), await client.set("h", { value: "x" })]) {
      assert.match(response.headers.get("x-ms-request-id") ?? "", /^[0-9a-f-]{36}$/);
      assert.ok(response.headers.get("x-ms-keyvault-service-version"));
    }
  });
});

describe("emulator secrets operations", () => {
  let emulator: Emulator;
  let client: VaultTestClient;

  before(async () => {
    emulator = await startEmulator({ vaults: [{ name: "dev" }, { name: "other" }] });
    client = new VaultTestClient(
      emulator.vaultUrl("dev"),
      await fetchAccessToken(emulator.authorityHost),
    );
  });

  after(async () => {
    await emulator.close();
  });

  it("serves each vault on its own port with no path", () => {
    const dev = new URL(emulator.vaultUrl("dev"));
    const other = new URL(emulator.vaultUrl("other"));
    assert.equal(dev.pathname, "/");
    assert.equal(dev.hostname, "127.0.0.1");
    assert.notEqual(dev.port, other.port);
  });

  it("sets a secret and returns its bundle", async () => {
    const response = await client.set("Set-Me", {
      value: "v1",
      contentType: "text/plain",
      tags: { env: "dev" },
      attributes: { enabled: true, exp: 2000000000 },
    });
    assert.equal(response.status, 200);
    const bundle = response.body;
    assert.equal(bundle.value, "v1");
    assert.equal(bundle.contentType, "text/plain");
    assert.deepEqual(bundle.tags, { env: "dev" });
    const [base, version] = [
      bundle.id.slice(0, bundle.id.lastIndexOf("/")),
      bundle.id.split("/").pop(),
    ];
    assert.equal(base, `${emulator.vaultUrl("dev")}secrets/Set-Me`);
    assert.match(version, VERSION_PATTERN);
    assert.equal(bundle.attributes.enabled, true);
    assert.equal(bundle.attributes.exp, 2000000000);
    assert.equal(bundle.attributes.recoveryLevel, "Recoverable+Purgeable");
    assert.equal(bundle.attributes.recoverableDays, 90);
    assert.ok(Number.isInteger(bundle.attributes.created));
    assert.ok(Math.abs(bundle.attributes.created - Date.now() / 1000) < 5);
  });

  it("creates a new version with only what the PUT sent", async () => {
    const first = await client.set("versioned", {
      value: "one",
      contentType: "a",
      tags: { t: "1" },
    });
    const second = await client.set("versioned", { value: "two" });
    assert.notEqual(first.body.id, second.body.id);
    assert.equal(second.body.contentType, undefined);
    assert.equal(second.body.tags, undefined);
    const latest = await client.get("versioned");
    assert.equal(latest.body.value, "two");
    const byVersion = await client.get("versioned", first.body.id.split("/").pop());
    assert.equal(byVersion.status, 200);
    assert.equal(byVersion.body.value, "one");
    assert.deepEqual(byVersion.body.tags, { t: "1" });
  });

  it("treats names case-insensitively and keeps the original case", async () => {
    await client.set("MixedCase", { value: "x" });
    const response = await client.get("mixedcase");
    assert.equal(response.status, 200);
    assert.match(response.body.id, /\/secrets\/MixedCase\/[0-9a-f]{32}$/);
  });

  it("returns the latest version for a trailing slash", async () => {
    await client.set("slash", { value: "x" });
    const response = await client.send("GET", "secrets/slash/");
    assert.equal(response.status, 200);
    assert.equal(response.body.value, "x");
  });

  it("returns 404 SecretNotFound for a missing secret or version", async () => {
    const missing = await client.get("does-not-exist");
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, "SecretNotFound");
    await client.set("has-version", { value: "x" });
    const missingVersion = await client.get("has-version", "0".repeat(32));
    assert.equal(missingVersion.status, 404);
    assert.equal(missingVersion.body.error.code, "SecretNotFound");
  });

  it("updates only the given metadata and returns no value", async () => {
    const created = await client.set("patch-me", {
      value: "v",
      contentType: "a",
      tags: { k: "v" },
    });
    const version = created.body.id.split("/").pop();
    const patched = await client.send("PATCH", `secrets/patch-me/${version}`, {
      attributes: { nbf: 1700000000 },
    });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.value, undefined);
    assert.equal(patched.body.contentType, "a");
    assert.deepEqual(patched.body.tags, { k: "v" });
    assert.equal(patched.body.attributes.nbf, 1700000000);
    const tagsCleared = await client.send("PATCH", `secrets/patch-me/${version}`, { tags: {} });
    assert.deepEqual(tagsCleared.body.tags, {});
    assert.equal(tagsCleared.body.contentType, "a");
  });

  it("refuses GET of a disabled version but lists and patches it", async () => {
    const created = await client.set("disabled", { value: "v", attributes: { enabled: false } });
    const version = created.body.id.split("/").pop();
    for (const response of [await client.get("disabled"), await client.get("disabled", version)]) {
      assert.equal(response.status, 403);
      assert.equal(response.body.error.code, "Forbidden");
      assert.equal(response.body.error.innererror.code, "SecretDisabled");
    }
    const listed = await client.send("GET", "secrets/disabled/versions");
    assert.equal(listed.body.value.length, 1);
    assert.equal(listed.body.value[0].attributes.enabled, false);
    const enabled = await client.send("PATCH", `secrets/disabled/${version}`, {
      attributes: { enabled: true },
    });
    assert.equal(enabled.status, 200);
    assert.equal((await client.get("disabled")).body.value, "v");
  });

  it("returns values outside the nbf/exp window", async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    const future = past + 7200 * 24;
    await client.set("expired", { value: "old", attributes: { exp: past } });
    await client.set("not-yet", { value: "new", attributes: { nbf: future } });
    assert.equal((await client.get("expired")).body.value, "old");
    assert.equal((await client.get("not-yet")).body.value, "new");
  });

  const invalid: [string, string, Record<string, unknown>][] = [
    ["name with underscore", "bad_name", { value: "x" }],
    ["name of 128 characters", "a".repeat(128), { value: "x" }],
    ["missing value", "no-value", {}],
    ["value over 25 KB", "big", { value: "x".repeat(25 * 1024 + 1) }],
    ["content type over 255", "ct", { value: "x", contentType: "c".repeat(256) }],
    [
      "16 tags",
      "tags",
      { value: "x", tags: Object.fromEntries([...Array(16).keys()].map((i) => [`t${i}`, "v"])) },
    ],
    ["tag name over 512", "tagname", { value: "x", tags: { ["n".repeat(513)]: "v" } }],
    ["tag value over 512", "tagvalue", { value: "x", tags: { t: "v".repeat(513) } }],
  ];
  for (const [title, name, body] of invalid) {
    it(`rejects ${title} with 400 BadParameter`, async () => {
      const response = await client.set(name, body);
      assert.equal(response.status, 400);
      assert.equal(response.body.error.code, "BadParameter");
    });
  }

  it("accepts the limits themselves", async () => {
    const tags = Object.fromEntries([...Array(15).keys()].map((i) => [`t${i}`, "v".repeat(512)]));
    const response = await client.set("a".repeat(127), {
      value: "x".repeat(25 * 1024),
      contentType: "c".repeat(255),
      tags,
    });
    assert.equal(response.status, 200);
  });

  it("keeps vaults apart", async () => {
    await client.set("only-in-dev", { value: "x" });
    const other = new VaultTestClient(emulator.vaultUrl("other"), client.token);
    assert.equal((await other.get("only-in-dev")).status, 404);
  });
});

describe("emulator list paging", () => {
  let emulator: Emulator;
  let client: VaultTestClient;

  before(async () => {
    emulator = await startEmulator({ vaults: [{ name: "dev", deleteDelayMs: 0 }] });
    client = new VaultTestClient(
      emulator.vaultUrl("dev"),
      await fetchAccessToken(emulator.authorityHost),
    );
    for (let i = 0; i < 7; i++) {
      await client.set(`page-${i}`, { value: `value-${i}` });
    }
  });

  after(async () => {
    await emulator.close();
  });

  async function collect(firstPath: string): Promise<{ pages: any[]; links: string[] }> {
    const pages: any[] = [];
    const links: string[] = [];
    let response = await client.send("GET", firstPath);
    for (;;) {
      assert.equal(response.status, 200);
      pages.push(response.body);
      if (!response.body.nextLink) break;
      links.push(response.body.nextLink);
      response = await client.send("GET", response.body.nextLink);
    }
    return { pages, links };
  }

  it("pages secrets with nextLink and no values", async () => {
    const { pages, links } = await collect("secrets?maxresults=3");
    const items = pages.flatMap((p) => p.value);
    assert.equal(items.length, 7);
    assert.equal(pages.length, 3);
    assert.ok(items.every((item) => item.value === undefined));
    assert.ok(items.every((item) => /\/secrets\/page-\d$/.test(item.id)));
    const port = new URL(emulator.vaultUrl("dev")).port;
    for (const link of links) {
      assert.ok(link.includes(`127.0.0.1:${port}/secrets?`), link);
      assert.ok(link.includes("$skiptoken="), link);
      assert.ok(link.includes("maxresults=3"), link);
      assert.ok(link.includes("api-version="), link);
    }
    assert.equal(pages[pages.length - 1].nextLink, null);
  });

  it("pages versions of one secret", async () => {
    for (let i = 0; i < 4; i++) {
      await client.set("many-versions", { value: `v${i}` });
    }
    const { pages } = await collect("secrets/many-versions/versions?maxresults=1");
    const items = pages.flatMap((p) => p.value);
    assert.equal(items.length, 4);
    assert.ok(items.every((item) => /\/secrets\/many-versions\/[0-9a-f]{32}$/.test(item.id)));
    assert.equal(new Set(items.map((i) => i.id)).size, 4);
  });

  it("lists no versions of a missing secret", async () => {
    const response = await client.send("GET", "secrets/never-created/versions");
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.value, []);
  });

  it("returns an empty page with a nextLink over deleted secrets", async () => {
    for (const name of ["aa-1", "aa-2"]) {
      await client.set(name, { value: "x" });
      assert.equal((await client.send("DELETE", `secrets/${name}`)).status, 200);
    }
    const first = await client.send("GET", "secrets?maxresults=2");
    assert.equal(first.status, 200);
    assert.deepEqual(first.body.value, []);
    assert.ok(first.body.nextLink);
    const deleted = await collect("deletedsecrets?maxresults=25");
    const names = deleted.pages.flatMap((p) => p.value).map((i) => i.recoveryId.split("/").pop());
    assert.deepEqual(names, ["aa-1", "aa-2"]);
  });

  it("rejects maxresults outside 1-25", async () => {
    for (const value of ["0", "26", "x"]) {
      const response = await client.send("GET", `secrets?maxresults=${value}`);
      assert.equal(response.status, 400, value);
      assert.equal(response.body.error.code, "BadParameter");
    }
  });

  it("rejects a malformed skip token", async () => {
    const response = await client.send("GET", "secrets?$skiptoken=%%%");
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, "BadParameter");
  });
});

describe("emulator principals", () => {
  it("binds tokens to their tenant", async () => {
    const emulator = await startEmulator({
      principals: [
        { tenantId: DEV_TENANT_ID, clientId: DEV_CLIENT_ID, clientSecret: "a" },
        { tenantId: "33333333-3333-4333-8333-333333333333", clientId: "guest", clientSecret: "b" },
      ],
    });
    try {
      const token = await fetchAccessToken(emulator.authorityHost, {
        tenantId: "33333333-3333-4333-8333-333333333333",
        clientId: "guest",
        clientSecret: "b",
      });
      const client = new VaultTestClient(emulator.vaultUrl("dev"), token);
      const response = await client.get("a");
      assert.equal(response.status, 401);
      assert.match(response.body.error.message, /AKV10032/);
    } finally {
      await emulator.close();
    }
  });

  it("rejects non-loopback hosts", async () => {
    await assert.rejects(startEmulator({ host: "0.0.0.0" }), /loopback/);
  });
});
