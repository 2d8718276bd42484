import * as assert from "assert";

import { keyVaultSecretProvider as provider } from "../../provider/src/provider";
import {
    API,
    errorBody,
    mockToken,
    SECRET_VALUE,
    secretBundle,
    secretOutputs,
    useUnitEnvironment,
    vault,
    VAULT,
    VERSION_1,
    VERSION_2,
} from "./helpers";

describe("read", () => {
    useUnitEnvironment();
    beforeEach(() => {
        mockToken();
    });

    it("returns the vault's state as drift", async () => {
        vault()
            .get(`/secrets/db?${API}`)
            .reply(
                200,
                secretBundle("db", VERSION_2, {
                    value: "changed out of band",
                    contentType: "application/json",
                    tags: { owner: "someone-else" },
                    attributes: {
                        enabled: false,
                        nbf: 1798761600,
                        exp: 1830297600,
                        created: 1767225700,
                        updated: 1767225800,
                        recoveryLevel: "Recoverable",
                    },
                }),
            );
        const stored = secretOutputs("db", VERSION_1, {
            contentType: "text/plain",
            purgeOnDelete: true,
        });
        const result = await provider.read!(`${VAULT}/secrets/db`, {
            ...stored,
            __provider: "serialized",
        });
        assert.strictEqual(result.id, `${VAULT}/secrets/db`);
        const props = result.props;
        assert.strictEqual(props.value, "changed out of band");
        assert.strictEqual(props.contentType, "application/json");
        assert.deepStrictEqual(props.tags, { owner: "someone-else" });
        assert.strictEqual(props.enabled, false);
        assert.strictEqual(props.notBefore, "2027-01-01T00:00:00Z");
        assert.strictEqual(props.expiresOn, "2028-01-01T00:00:00Z");
        assert.strictEqual(props.version, VERSION_2);
        assert.strictEqual(props.updatedOn, "2026-01-01T00:03:20Z");
        assert.strictEqual(props.recoveryLevel, "Recoverable");
        assert.strictEqual(props.purgeOnDelete, true);

        assert.deepStrictEqual(result.inputs, {
            vaultUrl: stored.vaultUrl,
            secretName: "db",
            value: "changed out of band",
            contentType: "application/json",
            tags: { owner: "someone-else" },
            enabled: false,
            notBefore: "2027-01-01T00:00:00Z",
            expiresOn: "2028-01-01T00:00:00Z",
            recoverSoftDeleted: true,
            purgeOnDelete: true,
        });
    });

    it("drops removed content type and tags", async () => {
        vault().get(`/secrets/db?${API}`).reply(200, secretBundle("db", VERSION_1));
        const stored = secretOutputs("db", VERSION_1, {
            contentType: "text/plain",
            tags: { a: "b" },
        });
        const result = await provider.read!(`${VAULT}/secrets/db`, stored);
        assert.strictEqual("contentType" in result.props, false);
        assert.strictEqual("tags" in result.props, false);
    });

    it("removes a missing secret from state", async () => {
        const scope = vault().get(`/secrets/db?${API}`).reply(404, errorBody("SecretNotFound"));
        const result = await provider.read!(`${VAULT}/secrets/db`, secretOutputs("db", VERSION_1));
        assert.ok(scope.isDone());
        assert.strictEqual(result.id, "");
        assert.strictEqual(result.props, undefined);
    });

    it("reads a disabled secret from its versions", async () => {
        const older = secretBundle("db", VERSION_1, { value: undefined });
        const newer = secretBundle("db", VERSION_2, {
            value: undefined,
            contentType: "text/plain",
            attributes: { enabled: false, created: 1767225900, updated: 1767225900 },
        });
        const page2 = `${VAULT}:443/secrets/db/versions?${API}&$skiptoken=page2&maxresults=25`;
        const page3 = `${VAULT}:443/secrets/db/versions?${API}&$skiptoken=page3&maxresults=25`;
        const scope = vault()
            .get(`/secrets/db?${API}`)
            .reply(403, errorBody("Forbidden", "SecretDisabled"))
            .get(`/secrets/db/versions?${API}&maxresults=25`)
            .reply(200, { value: [], nextLink: page2 })
            .get(`/secrets/db/versions?${API}&$skiptoken=page2&maxresults=25`)
            .reply(200, { value: [newer], nextLink: page3 })
            .get(`/secrets/db/versions?${API}&$skiptoken=page3&maxresults=25`)
            .reply(200, { value: [older], nextLink: null });
        const result = await provider.read!(`${VAULT}/secrets/db`, secretOutputs("db", VERSION_1));
        assert.ok(scope.isDone());
        assert.strictEqual(result.props.version, VERSION_2);
        assert.strictEqual(result.props.enabled, false);
        assert.strictEqual(result.props.contentType, "text/plain");
        assert.strictEqual(result.props.value, SECRET_VALUE);
    });

    it("refuses a next link to another host", async () => {
        vault()
            .get(`/secrets/db?${API}`)
            .reply(403, errorBody("Forbidden", "SecretDisabled"))
            .get(`/secrets/db/versions?${API}&maxresults=25`)
            .reply(200, {
                value: [],
                nextLink: "https://elsewhere.example.test/secrets/db/versions",
            });
        await assert.rejects(
            provider.read!(`${VAULT}/secrets/db`, secretOutputs("db", VERSION_1)),
            /outside vault/,
        );
    });
});
