import * as assert from "assert";
import { promises as fs } from "fs";
import * as os from "os";
import * as path from "path";

import nock from "nock";

import { getAccessToken } from "../../provider/src/auth";
import { isKeyVaultError } from "../../provider/src/errors";
import { keyVaultSecretProvider as provider } from "../../provider/src/provider";
import { requireSettings } from "../../provider/src/settings";
import {
    ACCESS_TOKEN,
    API,
    applyConfig,
    captureError,
    CLIENT_ID,
    CLIENT_SECRET,
    errorBody,
    LOGIN,
    mockToken,
    secretBundle,
    secretOutputs,
    TENANT,
    useUnitEnvironment,
    vault,
    VAULT_URL,
    VERSION_1,
} from "./helpers";

const SCOPE = "https://vault.azure.net/.default";
const PURPOSE = { vaultUrl: VAULT_URL, secretName: "db" };

describe("access token", () => {
    const environment = useUnitEnvironment();

    it("is requested once for many vault calls", async () => {
        const token = mockToken();
        const calls = vault()
            .get(`/secrets/db?${API}`)
            .times(3)
            .reply(200, secretBundle("db", VERSION_1));
        for (let index = 0; index < 3; index += 1) {
            await provider.read!("id", secretOutputs("db", VERSION_1));
        }
        assert.ok(token.isDone());
        assert.ok(calls.isDone());
    });

    it("is shared by concurrent callers", async () => {
        const token = mockToken();
        const settings = requireSettings();
        const tokens = await Promise.all(
            [1, 2, 3, 4].map(() => getAccessToken(settings, SCOPE, PURPOSE)),
        );
        assert.deepStrictEqual(tokens, [ACCESS_TOKEN, ACCESS_TOKEN, ACCESS_TOKEN, ACCESS_TOKEN]);
        assert.ok(token.isDone());
    });

    it("is renewed five minutes before expiry", async () => {
        mockToken({ token: "first-token", expiresIn: 3600 });
        const settings = requireSettings();
        assert.strictEqual(await getAccessToken(settings, SCOPE, PURPOSE), "first-token");
        environment.nowMs += (3600 - 301) * 1000;
        assert.strictEqual(await getAccessToken(settings, SCOPE, PURPOSE), "first-token");
        environment.nowMs += 2000;
        mockToken({ token: "second-token", expiresIn: 3600 });
        assert.strictEqual(await getAccessToken(settings, SCOPE, PURPOSE), "second-token");
    });

    it("renews at half lifetime when short-lived", async () => {
        mockToken({ token: "short-token", expiresIn: 120 });
        const settings = requireSettings();
        await getAccessToken(settings, SCOPE, PURPOSE);
        environment.nowMs += 59_000;
        assert.strictEqual(await getAccessToken(settings, SCOPE, PURPOSE), "short-token");
        environment.nowMs += 2000;
        mockToken({ token: "renewed-token", expiresIn: 120 });
        assert.strictEqual(await getAccessToken(settings, SCOPE, PURPOSE), "renewed-token");
    });

    it("is renewed once after a vault 401", async () => {
        mockToken({ token: "stale-token" });
        mockToken({ token: "fresh-token" });
        const stale = vault("stale-token")
            .get(`/secrets/db?${API}`)
            .reply(401, errorBody("Unauthorized"));
        const fresh = vault("fresh-token")
            .get(`/secrets/db?${API}`)
            .reply(200, secretBundle("db", VERSION_1));
        const result = await provider.read!("id", secretOutputs("db", VERSION_1));
        assert.strictEqual(result.id, "id");
        assert.ok(stale.isDone());
        assert.ok(fresh.isDone());
    });

    it("fails after a second 401 and names the tenant", async () => {
        mockToken({ token: "stale-token" });
        mockToken({ token: "fresh-token" });
        const challenge =
            'Bearer authorization="https://login.windows.net/other-tenant-id", ' +
            'resource="https://vault.azure.net"';
        vault("stale-token").get(`/secrets/db?${API}`).reply(401, errorBody("Unauthorized"));
        vault("fresh-token")
            .get(`/secrets/db?${API}`)
            .reply(401, errorBody("Unauthorized"), { "www-authenticate": challenge });
        const error = await captureError(() =>
            provider.read!("id", secretOutputs("db", VERSION_1)),
        );
        assert.ok(isKeyVaultError(error));
        assert.strictEqual(error.statusCode, 401);
        assert.match(error.message, /tenant other-tenant-id/);
        assert.match(error.message, /HTTP 401/);
    });

    it("error names AADSTS code, client and tenant", async () => {
        nock(LOGIN)
            .post(`/${TENANT}/oauth2/v2.0/token`)
            .reply(401, {
                error: "invalid_client",
                error_description: `AADSTS7000215: Invalid client secret ${CLIENT_SECRET}`,
                error_codes: [7000215],
                trace_id: "trace",
                correlation_id: "correlation",
            });
        const error = await captureError(() =>
            provider.read!("id", secretOutputs("db", VERSION_1)),
        );
        assert.ok(isKeyVaultError(error));
        assert.strictEqual(error.innerCode, "AADSTS7000215");
        assert.strictEqual(error.code, "invalid_client");
        assert.match(error.message, /AADSTS7000215/);
        assert.ok(error.message.includes(CLIENT_ID));
        assert.ok(error.message.includes(TENANT));
        assert.ok(!error.message.includes(CLIENT_SECRET));
        assert.ok(!error.message.includes("Invalid client secret"));
    });

    it("request is retried after 503", async () => {
        nock(LOGIN).post(`/${TENANT}/oauth2/v2.0/token`).reply(503, {}, { "retry-after": "2" });
        mockToken();
        const settings = requireSettings();
        assert.strictEqual(await getAccessToken(settings, SCOPE, PURPOSE), ACCESS_TOKEN);
        assert.deepStrictEqual(environment.sleeps, [2000]);
    });

    it("uses the federated token file as client assertion", async () => {
        const directory = await fs.mkdtemp(path.join(os.tmpdir(), "kv-unit-"));
        const tokenFile = path.join(directory, "token");
        await fs.writeFile(tokenFile, "first-assertion\n");
        delete environment.config["azure-keyvault:clientSecret"];
        applyConfig(environment);
        process.env.AZURE_FEDERATED_TOKEN_FILE = tokenFile;
        const assertions: string[] = [];
        nock(LOGIN)
            .post(`/${TENANT}/oauth2/v2.0/token`, (body) => {
                assertions.push(body.client_assertion);
                return (
                    body.client_assertion_type ===
                        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" &&
                    body.client_secret === undefined
                );
            })
            .times(2)
            .reply(200, { token_type: "Bearer", expires_in: 3599, access_token: "wi-token" });
        const settings = requireSettings();
        await getAccessToken(settings, SCOPE, PURPOSE);
        await fs.writeFile(tokenFile, "rotated-assertion");
        environment.nowMs += 3600 * 1000;
        await getAccessToken(settings, SCOPE, PURPOSE);
        assert.deepStrictEqual(assertions, ["first-assertion", "rotated-assertion"]);
        await fs.rm(directory, { recursive: true });
    });

    it("is refused for a non-loopback http authority", async () => {
        environment.config["azure-keyvault:authorityHost"] = "http://login.example.test";
        applyConfig(environment);
        const error = await captureError(async () => requireSettings());
        assert.match(error.message, /azure-keyvault:authorityHost/);
        assert.match(error.message, /https/);
    });
});
