import * as assert from "assert";

import nock from "nock";

import { keyVaultSecretProvider as provider } from "../../provider/src/provider";
import {
    API,
    errorBody,
    mockToken,
    secretBundle,
    secretInputs,
    secretOutputs,
    useUnitEnvironment,
    vault,
    VAULT,
    VERSION_1,
    VERSION_2,
} from "./helpers";

const ID = `${VAULT}/secrets/db`;
const olds = secretOutputs("db", VERSION_1, { contentType: "text/plain", tags: { owner: "a" } });

describe("update", () => {
    useUnitEnvironment();

    it("puts a new version on a value change", async () => {
        mockToken();
        let body: unknown;
        const scope = vault()
            .put(`/secrets/db?${API}`, (sent) => {
                body = sent;
                return true;
            })
            .reply(200, secretBundle("db", VERSION_2));
        const news = secretInputs("db", {
            value: "new value",
            contentType: "text/plain",
            tags: { owner: "a" },
        });
        const result = await provider.update!(ID, olds, news);
        assert.ok(scope.isDone());
        assert.deepStrictEqual(body, {
            value: "new value",
            contentType: "text/plain",
            tags: { owner: "a" },
            attributes: { enabled: true },
        });
        assert.strictEqual(result.outs.version, VERSION_2);
        assert.strictEqual(result.outs.value, "new value");
    });

    it("patches the current version on metadata change", async () => {
        mockToken();
        let body: unknown;
        const scope = vault()
            .get(`/secrets/db?${API}`)
            .reply(200, secretBundle("db", VERSION_1))
            .patch(`/secrets/db/${VERSION_1}?${API}`, (sent) => {
                body = sent;
                return true;
            })
            .reply(200, secretBundle("db", VERSION_1, { value: undefined }));
        const news = secretInputs("db", {
            contentType: "application/json",
            expiresOn: "2028-01-01T00:00:00Z",
        });
        const result = await provider.update!(ID, olds, news);
        assert.ok(scope.isDone());
        assert.deepStrictEqual(body, {
            contentType: "application/json",
            tags: {},
            attributes: { enabled: true, exp: 1830297600 },
        });
        assert.strictEqual(result.outs.version, VERSION_1);
        assert.strictEqual(result.outs.value, olds.value);
        assert.strictEqual(result.outs.expiresOn, "2028-01-01T00:00:00Z");
        assert.strictEqual("tags" in result.outs, false);
    });

    it("patches a disabled current version", async () => {
        mockToken();
        const scope = vault()
            .get(`/secrets/db?${API}`)
            .reply(403, errorBody("Forbidden", "SecretDisabled"))
            .get(`/secrets/db/versions?${API}&maxresults=25`)
            .reply(200, { value: [secretBundle("db", VERSION_1, { value: undefined })] })
            .patch(`/secrets/db/${VERSION_1}?${API}`)
            .reply(200, secretBundle("db", VERSION_1, { value: undefined }));
        const stored = secretOutputs("db", VERSION_1, { enabled: false });
        await provider.update!(ID, stored, secretInputs("db", { enabled: true }));
        assert.ok(scope.isDone());
    });

    it("puts when the version changed out of band", async () => {
        mockToken();
        const scope = vault()
            .get(`/secrets/db?${API}`)
            .reply(200, secretBundle("db", VERSION_2))
            .put(`/secrets/db?${API}`)
            .reply(200, secretBundle("db", "c".repeat(32)));
        const result = await provider.update!(
            ID,
            olds,
            secretInputs("db", { contentType: "text/csv" }),
        );
        assert.ok(scope.isDone());
        assert.strictEqual(result.outs.version, "c".repeat(32));
    });

    it("puts when the secret is gone", async () => {
        mockToken();
        const scope = vault()
            .get(`/secrets/db?${API}`)
            .reply(404, errorBody("SecretNotFound"))
            .put(`/secrets/db?${API}`)
            .reply(200, secretBundle("db", VERSION_2));
        await provider.update!(ID, olds, secretInputs("db", { contentType: "text/csv" }));
        assert.ok(scope.isDone());
    });

    it("puts when an expiry is removed", async () => {
        mockToken();
        let body: unknown;
        const scope = vault()
            .put(`/secrets/db?${API}`, (sent) => {
                body = sent;
                return true;
            })
            .reply(200, secretBundle("db", VERSION_2));
        const stored = secretOutputs("db", VERSION_1, { expiresOn: "2028-01-01T00:00:00Z" });
        await provider.update!(ID, stored, secretInputs("db"));
        assert.ok(scope.isDone());
        assert.deepStrictEqual(body, { value: olds.value, attributes: { enabled: true } });
    });

    it("sends nothing for option or case changes", async () => {
        const stored = secretOutputs("db", VERSION_1);
        const news = secretInputs("DB", { purgeOnDelete: true, recoverSoftDeleted: false });
        const result = await provider.update!(ID, stored, news);
        assert.strictEqual(nock.pendingMocks().length, 0);
        assert.strictEqual(result.outs.secretName, "DB");
        assert.strictEqual(result.outs.purgeOnDelete, true);
        assert.strictEqual(result.outs.recoverSoftDeleted, false);
        assert.strictEqual(result.outs.version, VERSION_1);
    });
});
