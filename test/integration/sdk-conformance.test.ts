import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AbortSignalLike } from "@azure/abort-controller";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import {
  HttpClient,
  PipelineRequest,
  PipelineResponse,
  RestError,
  createHttpHeaders,
  isRestError,
} from "@azure/core-rest-pipeline";
import { SecretClient } from "@azure/keyvault-secrets";
import {
  DEV_CLIENT_ID,
  DEV_CLIENT_SECRET,
  DEV_TENANT_ID,
  Emulator,
  startEmulator,
} from "../../emulator";

/** A throwaway CA and a server certificate for 127.0.0.1 signed by it, made with openssl. */
interface TestCertificates {
  folder: string;
  caPem: string;
  certPath: string;
  keyPath: string;
}

const CA_CONFIG = `[req]
distinguished_name = dn
prompt = no
x509_extensions = ca_ext
[dn]
CN = Key Vault emulator test CA
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
`;

const SERVER_CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = 127.0.0.1
[server_ext]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1
authorityKeyIdentifier = keyid
`;

function makeCertificates(): TestCertificates {
  const folder = mkdtempSync(join(tmpdir(), "kv-emulator-tls-"));
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: folder, stdio: "pipe" });
  writeFileSync(join(folder, "ca.cnf"), CA_CONFIG);
  writeFileSync(join(folder, "server.cnf"), SERVER_CONFIG);
  run([
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-config",
    "ca.cnf",
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
  ]);
  run([
    "req",
    "-new",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-config",
    "server.cnf",
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
  ]);
  run([
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    "server.cnf",
    "-extensions",
    "server_ext",
    "-out",
    "server.crt",
  ]);
  return {
    folder,
    caPem: readFileSync(join(folder, "ca.crt"), "utf8"),
    certPath: join(folder, "server.crt"),
    keyPath: join(folder, "server.key"),
  };
}

/** Sends a request with Node's https module, trusting only the given CA. */
function httpsRequest(
  url: string,
  ca: string,
  init: { method: string; headers: Record<string, string>; body?: string | Buffer },
  abortSignal?: AbortSignalLike,
): Promise<{ status: number; headers: Record<string, string>; text: string }> {
  return new Promise((resolve, reject) => {
    if (abortSignal?.aborted) {
      reject(new Error("The request was aborted before it was sent."));
      return;
    }
    const request = https.request(
      url,
      { method: init.method, headers: init.headers, ca },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) {
              headers[name] = Array.isArray(value) ? value.join(", ") : value;
            }
          }
          resolve({
            status: res.statusCode ?? 0,
            headers,
            text: Buffer.concat(chunks).toString("utf8"),
          });
        });
      },
    );
    request.on("error", reject);
    abortSignal?.addEventListener("abort", () =>
      request.destroy(new Error("The request was aborted.")),
    );
    request.end(init.body);
  });
}

/** An Azure SDK HttpClient on Node's https module that trusts the test CA. */
class CaTrustingHttpClient implements HttpClient {
  constructor(private readonly ca: string) {}

  async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    const body = request.body;
    if (body !== undefined && body !== null && typeof body !== "string" && !Buffer.isBuffer(body)) {
      throw new Error("The test HTTP client sends only string and Buffer bodies.");
    }
    const response = await httpsRequest(
      request.url,
      this.ca,
      { method: request.method, headers: request.headers.toJSON(), body: body ?? undefined },
      request.abortSignal,
    );
    return {
      request,
      status: response.status,
      headers: createHttpHeaders(response.headers),
      bodyAsText: response.text,
    };
  }
}

/** A TokenCredential that uses the emulator's token endpoint with the development principal. */
class EmulatorCredential implements TokenCredential {
  requestedScopes: string[] = [];

  constructor(
    private readonly authorityHost: string,
    private readonly ca: string,
  ) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    const scope = Array.isArray(scopes) ? scopes[0] : scopes;
    this.requestedScopes.push(scope);
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: DEV_CLIENT_ID,
      client_secret: DEV_CLIENT_SECRET,
      scope,
    });
    const tenant = options?.tenantId ?? DEV_TENANT_ID;
    const response = await httpsRequest(
      `${this.authorityHost}/${tenant}/oauth2/v2.0/token`,
      this.ca,
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: form.toString(),
      },
    );
    if (response.status !== 200) {
      throw new Error(`The emulator refused the token request with status ${response.status}.`);
    }
    const token = JSON.parse(response.text) as { access_token: string; expires_in: number };
    return { token: token.access_token, expiresOnTimestamp: Date.now() + token.expires_in * 1000 };
  }
}

async function expectRestError(
  action: Promise<unknown>,
  status: number,
  code: string,
): Promise<RestError> {
  try {
    await action;
  } catch (error) {
    assert.ok(isRestError(error), `expected a RestError, got ${String(error)}`);
    assert.equal(error.statusCode, status);
    assert.equal(error.code, code);
    return error;
  }
  assert.fail(`expected a RestError with status ${status}`);
}

const POLL = { intervalInMs: 20 };

describe("Azure SDK SecretClient against the emulator", function () {
  let certificates: TestCertificates | undefined;
  let emulator: Emulator;
  let credential: EmulatorCredential;
  let client: SecretClient;

  before(async function () {
    if (spawnSync("openssl", ["version"]).error !== undefined) {
      console.log(
        "    skipped: the openssl command is missing, so no test certificate can be made",
      );
      this.skip();
    }
    certificates = makeCertificates();
    emulator = await startEmulator({
      tls: { cert: certificates.certPath, key: certificates.keyPath },
      vaults: [{ name: "dev", deleteDelayMs: 150, recoverDelayMs: 150, purgeDelayMs: 50 }],
    });
    credential = new EmulatorCredential(emulator.authorityHost, certificates.caPem);
    client = new SecretClient(emulator.vaultUrl("dev"), credential, {
      httpClient: new CaTrustingHttpClient(certificates.caPem),
      disableChallengeResourceVerification: true,
    });
  });

  after(async () => {
    await emulator?.close();
    if (certificates) rmSync(certificates.folder, { recursive: true, force: true });
  });

  it("authenticates through the 401 challenge", async () => {
    emulator.resetRequests();
    const secret = await client.setSecret("challenge", "v");
    assert.equal(secret.value, "v");
    const routes = emulator.requests().map((r) => `${r.vault} ${r.route} ${r.status}`);
    assert.deepEqual(routes, [
      "dev PUT /secrets/{name} 401",
      "login POST /{tenant}/oauth2/v2.0/token 200",
      "dev PUT /secrets/{name} 200",
    ]);
    assert.deepEqual(credential.requestedScopes, ["https://vault.azure.net/.default"]);
    await client.getSecret("challenge");
    assert.equal(emulator.count({ vault: "login" }), 1, "the SDK reuses its token");
  });

  it("sets and gets secrets by latest and by version", async () => {
    const first = await client.setSecret("conformance", "one", {
      contentType: "text/plain",
      tags: { env: "test" },
      // The SDK (4.12.0) sends dates as 32-bit seconds, so dates after 2038 would wrap around.
      expiresOn: new Date("2035-01-01T00:00:00Z"),
    });
    assert.equal(first.name, "conformance");
    assert.match(first.properties.version ?? "", /^[0-9a-f]{32}$/);
    assert.equal(first.properties.vaultUrl, emulator.vaultUrl("dev").replace(/\/$/, ""));
    assert.equal(first.properties.contentType, "text/plain");
    assert.deepEqual(first.properties.tags, { env: "test" });
    assert.equal(first.properties.enabled, true);
    assert.equal(first.properties.expiresOn?.toISOString(), "2035-01-01T00:00:00.000Z");
    assert.ok(first.properties.createdOn instanceof Date);
    assert.equal(first.properties.recoveryLevel, "Recoverable+Purgeable");
    assert.equal(first.properties.recoverableDays, 90);

    const second = await client.setSecret("conformance", "two");
    assert.equal((await client.getSecret("conformance")).value, "two");
    const old = await client.getSecret("conformance", { version: first.properties.version });
    assert.equal(old.value, "one");
    assert.equal(old.properties.version, first.properties.version);
    assert.notEqual(second.properties.version, first.properties.version);
    assert.equal(second.properties.tags, undefined);
  });

  it("updates properties and refuses a disabled version", async () => {
    const created = await client.setSecret("to-disable", "v");
    const version = created.properties.version!;
    const updated = await client.updateSecretProperties("to-disable", version, {
      enabled: false,
      tags: { state: "off" },
    });
    assert.equal(updated.enabled, false);
    assert.deepEqual(updated.tags, { state: "off" });
    const error = await expectRestError(client.getSecret("to-disable"), 403, "Forbidden");
    assert.match(error.message, /disabled secret/);
    await client.updateSecretProperties("to-disable", version, { enabled: true });
    assert.equal((await client.getSecret("to-disable")).value, "v");
  });

  it("lists secrets and versions across pages", async () => {
    for (let i = 0; i < 5; i++) {
      await client.setSecret(`listed-${i}`, `value-${i}`);
    }
    emulator.resetRequests();
    const pageSizes: number[] = [];
    const names: string[] = [];
    for await (const page of client.listPropertiesOfSecrets().byPage({ maxPageSize: 2 })) {
      pageSizes.push(page.length);
      names.push(...page.map((p) => p.name));
    }
    assert.ok(pageSizes.length >= 3, `expected several pages, got ${pageSizes.join(", ")}`);
    assert.ok(pageSizes.every((size) => size <= 2));
    for (let i = 0; i < 5; i++) {
      assert.ok(names.includes(`listed-${i}`), `listed-${i} is missing`);
    }
    assert.equal(emulator.count({ route: "GET /secrets", status: 200 }), pageSizes.length);

    await client.setSecret("two-versions", "one");
    await client.setSecret("two-versions", "two");
    const versions: string[] = [];
    const versionPages = client
      .listPropertiesOfSecretVersions("two-versions")
      .byPage({ maxPageSize: 1 });
    for await (const page of versionPages) {
      versions.push(...page.map((p) => p.version!));
    }
    assert.equal(versions.length, 2);
    assert.ok(versions.every((v) => /^[0-9a-f]{32}$/.test(v)));
  });

  it("deletes, recovers, deletes again and purges", async () => {
    await client.setSecret("lifecycle", "keep-me");
    emulator.resetRequests();
    const deletePoller = await client.beginDeleteSecret("lifecycle", POLL);
    const deleted = await deletePoller.pollUntilDone();
    assert.equal(deleted.name, "lifecycle");
    assert.equal(deleted.recoveryId, `${emulator.vaultUrl("dev")}deletedsecrets/lifecycle`);
    assert.ok(deleted.deletedOn instanceof Date);
    assert.ok(deleted.scheduledPurgeDate instanceof Date);
    assert.ok(
      emulator.count({ route: "GET /deletedsecrets/{name}", status: 404 }) >= 1,
      "the poller saw the delete in progress",
    );

    const fetched = await client.getDeletedSecret("lifecycle");
    assert.equal(fetched.properties.recoveryId, deleted.recoveryId);
    assert.equal(fetched.value, undefined);
    await expectRestError(client.setSecret("lifecycle", "new"), 409, "Conflict");

    emulator.resetRequests();
    const recoverPoller = await client.beginRecoverDeletedSecret("lifecycle", POLL);
    const recovered = await recoverPoller.pollUntilDone();
    assert.equal(recovered.name, "lifecycle");
    assert.equal(emulator.count({ route: "POST /deletedsecrets/{name}/recover", status: 200 }), 1);
    assert.ok(
      emulator.count({ route: "GET /secrets/{name}", status: 404 }) >= 2,
      "the poller checked before recovering and saw the recover in progress",
    );
    assert.equal((await client.getSecret("lifecycle")).value, "keep-me");

    await (await client.beginDeleteSecret("lifecycle", POLL)).pollUntilDone();
    await client.purgeDeletedSecret("lifecycle");
    assert.equal(emulator.count({ route: "DELETE /deletedsecrets/{name}", status: 204 }), 1);
    await waitUntilSettable(client, "lifecycle");
    assert.equal((await client.getSecret("lifecycle")).value, "reborn");
  });

  it("lists deleted secrets", async () => {
    await client.setSecret("in-trash", "v");
    await (await client.beginDeleteSecret("in-trash", POLL)).pollUntilDone();
    const names: string[] = [];
    for await (const deleted of client.listDeletedSecrets()) {
      names.push(deleted.name);
    }
    assert.ok(names.includes("in-trash"));
  });

  it("fails with SecretNotFound for a missing secret", async () => {
    const error = await expectRestError(client.getSecret("never-set"), 404, "SecretNotFound");
    assert.match(error.message, /never-set was not found/);
    await expectRestError(client.getDeletedSecret("never-set"), 404, "SecretNotFound");
  });

  it("fails with 403 for a secret created disabled", async () => {
    await client.setSecret("born-disabled", "v", { enabled: false });
    await expectRestError(client.getSecret("born-disabled"), 403, "Forbidden");
  });
});

/** Sets "reborn" once the purge window has passed; the SDK raises 409 until then. */
async function waitUntilSettable(client: SecretClient, name: string): Promise<void> {
  const deadline = Date.now() + 3000;
  for (;;) {
    try {
      await client.setSecret(name, "reborn");
      return;
    } catch (error) {
      if (!isRestError(error) || error.statusCode !== 409 || Date.now() > deadline) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
