import * as assert from "assert";

import nock from "nock";

import { sendVaultRequest } from "../../provider/src/client";
import { isKeyVaultError } from "../../provider/src/errors";
import { keyVaultSecretProvider as provider } from "../../provider/src/provider";
import { requireSettings } from "../../provider/src/settings";
import {
    ACCESS_TOKEN,
    API,
    applyConfig,
    captureError,
    CLIENT_ID,
    errorBody,
    mockToken,
    secretBundle,
    secretInputs,
    secretOutputs,
    useUnitEnvironment,
    vault,
    VAULT,
    VERSION_1,
} from "./helpers";

const RBAC = errorBody("Forbidden", "ForbiddenByRbac");

describe("access errors", () => {
    const environment = useUnitEnvironment();

    it("retry RBAC denials until the role applies", async () => {
        mockToken();
        const scope = vault()
            .put(`/secrets/db?${API}`)
            .times(3)
            .reply(403, RBAC)
            .put(`/secrets/db?${API}`)
            .reply(200, secretBundle("db", VERSION_1));
        await provider.create(secretInputs("db"));
        assert.ok(scope.isDone());
        assert.deepStrictEqual(environment.sleeps, [1000, 2000, 4000]);
        const warnings = environment.logs.filter((line) => line.severity === "warn");
        assert.strictEqual(warnings.length, 3);
        assert.match(warnings[0].message, /ForbiddenByRbac/);
        assert.match(warnings[0].message, /Waiting up to 300 s/);
    });

    it("name role and client after the window", async () => {
        mockToken();
        process.env.AZURE_KEYVAULT_ROLE_ASSIGNMENT_WAIT_SECONDS = "10";
        const scope = vault().put(`/secrets/db?${API}`).times(5).reply(403, RBAC);
        const error = await captureError(() => provider.create(secretInputs("db")));
        assert.ok(scope.isDone());
        assert.deepStrictEqual(environment.sleeps, [1000, 2000, 4000, 3000]);
        assert.ok(isKeyVaultError(error));
        assert.strictEqual(error.statusCode, 403);
        assert.strictEqual(error.innerCode, "ForbiddenByRbac");
        assert.match(error.message, /Key Vault Secrets Officer/);
        assert.ok(error.message.includes(CLIENT_ID));
        assert.match(error.message, /az role assignment create/);
        assert.match(error.message, /vault https:\/\/unit-vault\.vault\.azure\.net\//);
        assert.match(error.message, /roleAssignmentWaitSeconds/);
        assert.strictEqual("id" in error, false);
    });

    it("ask readers for Secrets User", async () => {
        mockToken();
        process.env.AZURE_KEYVAULT_ROLE_ASSIGNMENT_WAIT_SECONDS = "0";
        vault().get(`/secrets/db?${API}`).reply(403, RBAC);
        const error = await captureError(() =>
            provider.read!(`${VAULT}/secrets/db`, secretOutputs("db", VERSION_1)),
        );
        assert.match(error.message, /Key Vault Secrets User/);
        assert.deepStrictEqual(environment.sleeps, []);
    });

    it("name access policy permissions", async () => {
        mockToken();
        process.env.AZURE_KEYVAULT_ROLE_ASSIGNMENT_WAIT_SECONDS = "2";
        const scope = vault()
            .put(`/secrets/db?${API}`)
            .times(3)
            .reply(403, errorBody("Forbidden", "AccessDenied"));
        const error = await captureError(() => provider.create(secretInputs("db")));
        assert.ok(scope.isDone());
        assert.match(error.message, /az keyvault set-policy --name unit-vault --spn/);
        assert.ok(error.message.includes(CLIENT_ID));
    });

    it("do not retry the firewall", async () => {
        mockToken();
        const scope = vault()
            .put(`/secrets/db?${API}`)
            .reply(403, errorBody("Forbidden", "ForbiddenByFirewall"));
        const error = await captureError(() => provider.create(secretInputs("db")));
        assert.ok(scope.isDone());
        assert.deepStrictEqual(environment.sleeps, []);
        assert.ok(isKeyVaultError(error));
        assert.strictEqual(error.innerCode, "ForbiddenByFirewall");
        assert.match(error.message, /network rules/);
        assert.match(error.message, /Not retried/);
    });
});

describe("transport security", () => {
    const environment = useUnitEnvironment();

    it("refuses http vaults off loopback", async () => {
        const context = {
            vaultUrl: "http://kv.example.test/",
            secretName: "db",
            operation: "get",
            access: "read" as const,
            clientId: CLIENT_ID,
        };
        const error = await captureError(() =>
            sendVaultRequest(requireSettings(), context, { method: "GET", path: "/secrets/db" }),
        );
        assert.ok(isKeyVaultError(error));
        assert.strictEqual(error.code, "InsecureUrl");
        assert.match(error.message, /kv\.example\.test/);
        assert.deepStrictEqual(environment.sleeps, []);
    });

    it("allows http on loopback", async () => {
        environment.config["azure-keyvault:authorityHost"] = "http://127.0.0.1:47001";
        applyConfig(environment);
        nock("http://127.0.0.1:47001")
            .post("/11111111-2222-3333-4444-555555555555/oauth2/v2.0/token")
            .reply(200, { token_type: "Bearer", expires_in: 3599, access_token: ACCESS_TOKEN });
        const scope = nock("http://127.0.0.1:47002", {
            reqheaders: { authorization: `Bearer ${ACCESS_TOKEN}` },
        })
            .put(`/secrets/db?${API}`)
            .reply(200, {
                ...secretBundle("db", VERSION_1),
                id: `http://127.0.0.1:47002/secrets/db/${VERSION_1}`,
            });
        const result = await provider.create(
            secretInputs("db", { vaultUrl: "http://127.0.0.1:47002/" }),
        );
        assert.ok(scope.isDone());
        assert.strictEqual(result.id, "http://127.0.0.1:47002/secrets/db");
    });
});
