import * as assert from "assert";

import { isKeyVaultError } from "../../provider/src/errors";
import { keyVaultSecretProvider as provider } from "../../provider/src/provider";
import {
    API,
    captureError,
    errorBody,
    mockToken,
    secretBundle,
    secretOutputs,
    useUnitEnvironment,
    vault,
    VAULT,
    VERSION_1,
} from "./helpers";

const ID = `${VAULT}/secrets/db`;
const DELETED = {
    ...secretBundle("db", VERSION_1, { value: undefined }),
    recoveryId: `${VAULT}/deletedsecrets/db`,
};

describe("delete", () => {
    const environment = useUnitEnvironment();
    beforeEach(() => {
        mockToken();
    });

    it("waits until the deleted secret is visible", async () => {
        const scope = vault()
            .delete(`/secrets/db?${API}`)
            .reply(200, DELETED)
            .get(`/deletedsecrets/db?${API}`)
            .times(2)
            .reply(404, errorBody("SecretNotFound"))
            .get(`/deletedsecrets/db?${API}`)
            .reply(200, DELETED);
        await provider.delete!(ID, secretOutputs("db", VERSION_1));
        assert.ok(scope.isDone());
        assert.deepStrictEqual(environment.sleeps, [1000, 2000]);
    });

    it("finishes at once without soft delete", async () => {
        const scope = vault()
            .delete(`/secrets/db?${API}`)
            .reply(200, secretBundle("db", VERSION_1, { value: undefined }));
        await provider.delete!(ID, secretOutputs("db", VERSION_1));
        assert.ok(scope.isDone());
        assert.deepStrictEqual(environment.sleeps, []);
    });

    it("accepts an already deleted secret", async () => {
        const scope = vault().delete(`/secrets/db?${API}`).reply(404, errorBody("SecretNotFound"));
        await provider.delete!(ID, secretOutputs("db", VERSION_1));
        assert.ok(scope.isDone());
    });

    it("stops waiting when deleted secrets are forbidden", async () => {
        const scope = vault()
            .delete(`/secrets/db?${API}`)
            .reply(200, DELETED)
            .get(`/deletedsecrets/db?${API}`)
            .reply(403, errorBody("Forbidden", "ForbiddenByRbac"));
        await provider.delete!(ID, secretOutputs("db", VERSION_1));
        assert.ok(scope.isDone());
        assert.deepStrictEqual(environment.sleeps, []);
    });

    it("purges and waits until the name is free", async () => {
        const scope = vault()
            .delete(`/secrets/db?${API}`)
            .reply(200, DELETED)
            .get(`/deletedsecrets/db?${API}`)
            .reply(200, DELETED)
            .delete(`/deletedsecrets/db?${API}`)
            .reply(409, errorBody("Conflict", "ObjectIsBeingDeleted"))
            .delete(`/deletedsecrets/db?${API}`)
            .reply(204)
            .get(`/deletedsecrets/db?${API}`)
            .reply(200, DELETED)
            .get(`/deletedsecrets/db?${API}`)
            .reply(404, errorBody("SecretNotFound"));
        await provider.delete!(ID, secretOutputs("db", VERSION_1, { purgeOnDelete: true }));
        assert.ok(scope.isDone());
        assert.deepStrictEqual(environment.sleeps, [1000, 1000]);
    });

    it("purges a secret deleted out of band", async () => {
        const scope = vault()
            .delete(`/secrets/db?${API}`)
            .reply(404, errorBody("SecretNotFound"))
            .delete(`/deletedsecrets/db?${API}`)
            .reply(204)
            .get(`/deletedsecrets/db?${API}`)
            .reply(404, errorBody("SecretNotFound"));
        await provider.delete!(ID, secretOutputs("db", VERSION_1, { purgeOnDelete: true }));
        assert.ok(scope.isDone());
    });

    it("warns when purge protection forbids purge", async () => {
        const scope = vault()
            .delete(`/secrets/db?${API}`)
            .reply(200, DELETED)
            .get(`/deletedsecrets/db?${API}`)
            .reply(200, DELETED)
            .delete(`/deletedsecrets/db?${API}`)
            .reply(403, errorBody("Forbidden"), { "x-ms-request-id": "purge-request" });
        await provider.delete!(ID, secretOutputs("db", VERSION_1, { purgeOnDelete: true }));
        assert.ok(scope.isDone());
        const warnings = environment.logs.filter((line) => line.severity === "warn");
        assert.strictEqual(warnings.length, 1);
        assert.match(
            warnings[0].message,
            /Purge of the deleted secret "db" in vault https:\/\/unit-vault/,
        );
        assert.match(warnings[0].message, /purge protection/);
        assert.match(warnings[0].message, /purge-request/);
    });

    it("times out waiting for the deletion", async () => {
        process.env.AZURE_KEYVAULT_OPERATION_TIMEOUT_SECONDS = "3";
        vault()
            .delete(`/secrets/db?${API}`)
            .reply(200, DELETED)
            .get(`/deletedsecrets/db?${API}`)
            .times(3)
            .reply(404, errorBody("SecretNotFound"));
        const error = await captureError(() =>
            provider.delete!(ID, secretOutputs("db", VERSION_1)),
        );
        assert.ok(isKeyVaultError(error));
        assert.strictEqual(error.code, "OperationTimedOut");
        assert.match(
            error.message,
            /secret "db" in vault https:\/\/unit-vault\.vault\.azure\.net\/ to appear/,
        );
        assert.deepStrictEqual(environment.sleeps, [1000, 2000]);
    });
});
