import * as assert from "assert";

import { isKeyVaultError } from "../../provider/src/errors";
import { keyVaultSecretProvider as provider } from "../../provider/src/provider";
import {
    API,
    captureError,
    errorBody,
    mockToken,
    SECRET_VALUE,
    secretBundle,
    secretInputs,
    useUnitEnvironment,
    vault,
    VAULT,
    VAULT_URL,
    VERSION_1,
} from "./helpers";

const DELETED_BUT_RECOVERABLE = errorBody("Conflict", "ObjectIsDeletedButRecoverable");

describe("create", () => {
    const environment = useUnitEnvironment();
    beforeEach(() => {
        mockToken();
    });

    it("puts value and properties", async () => {
        let body: Record<string, unknown> | undefined;
        const put = vault()
            .put(`/secrets/db?${API}`, (sent) => {
                body = sent;
                return true;
            })
            .reply(200, secretBundle("db", VERSION_1, { contentType: "text/plain" }));
        const inputs = secretInputs("db", {
            contentType: "text/plain",
            tags: { owner: "platform" },
            enabled: false,
            notBefore: "2027-01-01T00:00:00Z",
            expiresOn: "2028-01-01T00:00:00Z",
        });

        const result = await provider.create({ ...inputs, __provider: "serialized" });

        assert.ok(put.isDone());
        assert.deepStrictEqual(body, {
            value: SECRET_VALUE,
            contentType: "text/plain",
            tags: { owner: "platform" },
            attributes: { enabled: false, nbf: 1798761600, exp: 1830297600 },
        });

        assert.strictEqual(result.id, `${VAULT}/secrets/db`);
        assert.strictEqual(result.outs.versionedId, `${VAULT}/secrets/db/${VERSION_1}`);
        assert.strictEqual(result.outs.versionlessId, `${VAULT}/secrets/db`);
        assert.strictEqual(result.outs.version, VERSION_1);
        assert.strictEqual(result.outs.value, SECRET_VALUE);
        assert.strictEqual(result.outs.createdOn, "2026-01-01T00:00:00Z");
        assert.strictEqual(result.outs.recoveryLevel, "Recoverable+Purgeable");
        assert.strictEqual(result.outs.enabled, false);
        assert.strictEqual(result.outs.vaultUrl, VAULT_URL);
        assert.strictEqual(result.outs.vaultName, "unit-vault");
        assert.strictEqual("__provider" in result.outs, false);
    });

    it("recovers a soft-deleted secret", async () => {
        const bodies: unknown[] = [];
        const capture = (sent: unknown) => {
            bodies.push(sent);
            return true;
        };
        const scope = vault()
            .put(`/secrets/db?${API}`, capture)
            .reply(409, DELETED_BUT_RECOVERABLE)
            .post(`/deletedsecrets/db/recover?${API}`)
            .reply(200, secretBundle("db", VERSION_1, { value: undefined }))
            .get(`/secrets/db?${API}`)
            .times(2)
            .reply(404, errorBody("SecretNotFound"))
            .get(`/secrets/db?${API}`)
            .reply(200, secretBundle("db", VERSION_1, { value: "old value" }))
            .put(`/secrets/db?${API}`, capture)
            .reply(200, secretBundle("db", "a".repeat(32)));
        const result = await provider.create(secretInputs("db"));
        assert.ok(scope.isDone());
        assert.strictEqual(result.outs.version, "a".repeat(32));
        assert.strictEqual(result.outs.value, SECRET_VALUE);
        assert.deepStrictEqual(bodies.length, 2);
        assert.deepStrictEqual(bodies[0], bodies[1]);
        assert.deepStrictEqual(environment.sleeps, [1000, 2000]);
        assert.ok(
            environment.logs.some((line) =>
                /Recovering the soft-deleted secret "db"/.test(line.message),
            ),
        );
    });

    it("counts a disabled recovered secret as readable", async () => {
        const scope = vault()
            .put(`/secrets/db?${API}`)
            .reply(409, DELETED_BUT_RECOVERABLE)
            .post(`/deletedsecrets/db/recover?${API}`)
            .reply(200, {})
            .get(`/secrets/db?${API}`)
            .reply(403, errorBody("Forbidden", "SecretDisabled"))
            .put(`/secrets/db?${API}`)
            .reply(200, secretBundle("db", VERSION_1));
        await provider.create(secretInputs("db"));
        assert.ok(scope.isDone());
        assert.deepStrictEqual(environment.sleeps, []);
    });

    it("names az commands when recovery is off", async () => {
        const scope = vault().put(`/secrets/db?${API}`).reply(409, DELETED_BUT_RECOVERABLE);
        const error = await captureError(() =>
            provider.create(secretInputs("db", { recoverSoftDeleted: false })),
        );
        assert.ok(scope.isDone());
        assert.ok(isKeyVaultError(error));
        assert.strictEqual(error.statusCode, 409);
        assert.strictEqual(error.innerCode, "ObjectIsDeletedButRecoverable");
        assert.match(error.message, /az keyvault secret recover --vault-name unit-vault --name db/);
        assert.match(error.message, /az keyvault secret purge --vault-name unit-vault --name db/);
        assert.match(error.message, /recoverSoftDeleted: true/);
        assert.strictEqual("id" in error, false);
    });

    it("waits while a deletion is running", async () => {
        const scope = vault()
            .put(`/secrets/db?${API}`)
            .reply(409, errorBody("Conflict", "ObjectIsBeingDeleted"))
            .put(`/secrets/db?${API}`)
            .reply(409, errorBody("Conflict", "ObjectIsBeingRecovered"))
            .put(`/secrets/db?${API}`)
            .reply(200, secretBundle("db", VERSION_1));
        await provider.create(secretInputs("db"));
        assert.ok(scope.isDone());
        assert.deepStrictEqual(environment.sleeps, [1000, 2000]);
    });

    it("waits for recover while deletion runs", async () => {
        const scope = vault()
            .put(`/secrets/db?${API}`)
            .reply(409, DELETED_BUT_RECOVERABLE)
            .post(`/deletedsecrets/db/recover?${API}`)
            .reply(409, errorBody("Conflict", "ObjectIsBeingDeleted"))
            .post(`/deletedsecrets/db/recover?${API}`)
            .reply(200, {})
            .get(`/secrets/db?${API}`)
            .reply(200, secretBundle("db", VERSION_1))
            .put(`/secrets/db?${API}`)
            .reply(200, secretBundle("db", VERSION_1));
        await provider.create(secretInputs("db"));
        assert.ok(scope.isDone());
        assert.deepStrictEqual(environment.sleeps, [1000]);
    });

    it("times out waiting for recovery", async () => {
        process.env.AZURE_KEYVAULT_OPERATION_TIMEOUT_SECONDS = "20";
        vault()
            .put(`/secrets/db?${API}`)
            .reply(409, DELETED_BUT_RECOVERABLE)
            .post(`/deletedsecrets/db/recover?${API}`)
            .reply(200, {})
            .get(`/secrets/db?${API}`)
            .times(6)
            .reply(404, errorBody("SecretNotFound"));
        const error = await captureError(() => provider.create(secretInputs("db")));
        assert.ok(isKeyVaultError(error));
        assert.strictEqual(error.code, "OperationTimedOut");
        assert.match(error.message, /Timed out after 20 s/);
        assert.match(
            error.message,
            /secret "db" in vault https:\/\/unit-vault\.vault\.azure\.net\//,
        );
        assert.match(error.message, /azure-keyvault:operationTimeoutSeconds/);
        assert.deepStrictEqual(environment.sleeps, [1000, 2000, 4000, 8000, 5000]);
        assert.strictEqual("id" in error, false);
    });

    it("rejects a response without secret ID", async () => {
        vault().put(`/secrets/db?${API}`).reply(200, { value: SECRET_VALUE });
        const error = await captureError(() => provider.create(secretInputs("db")));
        assert.ok(isKeyVaultError(error));
        assert.strictEqual(error.code, "InvalidResponse");
        assert.strictEqual("id" in error, false);
    });

    it("fails on other errors without retrying", async () => {
        const scope = vault().put(`/secrets/db?${API}`).reply(400, errorBody("BadParameter"));
        const error = await captureError(() => provider.create(secretInputs("db")));
        assert.ok(scope.isDone());
        assert.ok(isKeyVaultError(error));
        assert.strictEqual(error.statusCode, 400);
        assert.strictEqual(error.code, "BadParameter");
        assert.deepStrictEqual(environment.sleeps, []);
    });
});
