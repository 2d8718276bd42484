import * as assert from "assert";
import { inspect } from "util";

import nock from "nock";

import { checkSecretInputs } from "../../provider/src/check";
import { keyVaultSecretProvider as provider } from "../../provider/src/provider";
import {
    ACCESS_TOKEN,
    API,
    CLIENT_SECRET,
    LOGIN,
    mockToken,
    SECRET_VALUE,
    secretBundle,
    secretInputs,
    secretOutputs,
    TENANT,
    useUnitEnvironment,
    vault,
    VAULT,
    VERSION_1,
} from "./helpers";

const ID = `${VAULT}/secrets/db`;
const SENSITIVE = [SECRET_VALUE, CLIENT_SECRET, ACCESS_TOKEN];
const ECHO = `value ${SECRET_VALUE} token ${ACCESS_TOKEN} secret ${CLIENT_SECRET}`;

/** Returns an error body whose message echoes every sensitive string. */
function echoingError(code: string, innerCode?: string) {
    return {
        error: { code, message: ECHO, ...(innerCode ? { innererror: { code: innerCode } } : {}) },
    };
}

describe("secrecy", () => {
    const environment = useUnitEnvironment();
    const texts: string[] = [];

    async function collect(action: () => Promise<unknown>): Promise<void> {
        try {
            await action();
        } catch (error) {
            texts.push((error as Error).message, inspect(error), String((error as Error).stack));
            return;
        }
        throw new Error("expected an error");
    }

    beforeEach(() => {
        process.env.AZURE_KEYVAULT_ROLE_ASSIGNMENT_WAIT_SECONDS = "2";
        process.env.AZURE_KEYVAULT_MAX_RETRIES = "2";
        process.env.AZURE_KEYVAULT_OPERATION_TIMEOUT_SECONDS = "2";
    });

    afterEach(() => {
        texts.push(...environment.logs.map((line) => line.message));
    });

    after(() => {
        assert.ok(texts.length > 40, `only ${texts.length} texts collected`);
        for (const text of texts) {
            for (const sensitive of SENSITIVE) {
                assert.ok(
                    !text.includes(sensitive),
                    `leaked ${sensitive.slice(0, 6)}… in: ${text}`,
                );
            }
        }
    });

    it("token rejection", async () => {
        nock(LOGIN)
            .post(`/${TENANT}/oauth2/v2.0/token`)
            .reply(401, {
                error: "invalid_client",
                error_description: ECHO,
                error_codes: [7000215],
            });
        await collect(() => provider.create(secretInputs("db")));
    });

    it("token response without token", async () => {
        nock(LOGIN).post(`/${TENANT}/oauth2/v2.0/token`).reply(200, { note: ECHO });
        await collect(() => provider.create(secretInputs("db")));
    });

    it("token endpoint throttling", async () => {
        nock(LOGIN).post(`/${TENANT}/oauth2/v2.0/token`).times(3).reply(429, { error: ECHO });
        await collect(() => provider.create(secretInputs("db")));
    });

    it("token connection failure", async () => {
        const reset = Object.assign(new Error(ECHO), { code: "ECONNRESET" });
        nock(LOGIN).post(`/${TENANT}/oauth2/v2.0/token`).times(3).replyWithError(reset);
        await collect(() => provider.create(secretInputs("db")));
    });

    const vaultFailures: Array<[string, number, string, string | undefined]> = [
        ["bad parameter", 400, "BadParameter", undefined],
        ["RBAC denial", 403, "Forbidden", "ForbiddenByRbac"],
        ["access policy denial", 403, "Forbidden", "AccessDenied"],
        ["firewall", 403, "Forbidden", "ForbiddenByFirewall"],
        ["recovery off", 409, "Conflict", "ObjectIsDeletedButRecoverable"],
        ["throttling", 429, "Throttled", undefined],
        ["server error", 500, "InternalError", undefined],
        ["unavailable", 503, "ServiceUnavailable", undefined],
    ];
    for (const [title, status, code, innerCode] of vaultFailures) {
        it(`vault ${title} on create`, async () => {
            mockToken();
            vault().put(`/secrets/db?${API}`).times(5).reply(status, echoingError(code, innerCode));
            await collect(() => provider.create(secretInputs("db", { recoverSoftDeleted: false })));
        });
        it(`vault ${title} on update`, async () => {
            mockToken();
            vault().put(`/secrets/db?${API}`).times(5).reply(status, echoingError(code, innerCode));
            const news = secretInputs("db", {
                value: `${SECRET_VALUE}-next`,
                recoverSoftDeleted: false,
            });
            await collect(() => provider.update!(ID, secretOutputs("db", VERSION_1), news));
        });
        it(`vault ${title} on read`, async () => {
            mockToken();
            vault().get(`/secrets/db?${API}`).times(5).reply(status, echoingError(code, innerCode));
            await collect(() => provider.read!(ID, secretOutputs("db", VERSION_1)));
        });
        it(`vault ${title} on delete`, async () => {
            mockToken();
            vault()
                .delete(`/secrets/db?${API}`)
                .times(5)
                .reply(status, echoingError(code, innerCode));
            await collect(() => provider.delete!(ID, secretOutputs("db", VERSION_1)));
        });
    }

    it("vault 401 after renewal", async () => {
        mockToken({ times: 2 });
        vault().get(`/secrets/db?${API}`).times(2).reply(401, echoingError("Unauthorized"));
        await collect(() => provider.read!(ID, secretOutputs("db", VERSION_1)));
    });

    it("vault connection reset", async () => {
        mockToken();
        const reset = Object.assign(new Error(ECHO), { code: "ECONNRESET" });
        vault().put(`/secrets/db?${API}`).times(3).replyWithError(reset);
        await collect(() => provider.create(secretInputs("db")));
    });

    it("vault body that is not JSON", async () => {
        mockToken();
        vault().put(`/secrets/db?${API}`).reply(200, `<html>${ECHO}</html>`);
        await collect(() => provider.create(secretInputs("db")));
    });

    it("recovery timeout", async () => {
        mockToken();
        vault()
            .put(`/secrets/db?${API}`)
            .reply(409, echoingError("Conflict", "ObjectIsDeletedButRecoverable"))
            .post(`/deletedsecrets/db/recover?${API}`)
            .reply(200, secretBundle("db", VERSION_1))
            .get(`/secrets/db?${API}`)
            .times(5)
            .reply(404, echoingError("SecretNotFound"));
        await collect(() => provider.create(secretInputs("db")));
    });

    it("purge protection warning", async () => {
        mockToken();
        const deleted = {
            ...secretBundle("db", VERSION_1),
            recoveryId: `${VAULT}/deletedsecrets/db`,
        };
        vault()
            .delete(`/secrets/db?${API}`)
            .reply(200, deleted)
            .get(`/deletedsecrets/db?${API}`)
            .reply(200, deleted)
            .delete(`/deletedsecrets/db?${API}`)
            .reply(403, echoingError("Forbidden"));
        await provider.delete!(ID, secretOutputs("db", VERSION_1, { purgeOnDelete: true }));
        assert.strictEqual(environment.logs.length, 1);
    });

    it("check failures", () => {
        const { failures } = checkSecretInputs({
            vaultUrl: `http://${SECRET_VALUE}.example.test/`,
            secretName: "bad name",
            value: `${SECRET_VALUE}${"x".repeat(26 * 1024)}`,
            tags: { owner: 5 },
        });
        assert.ok(failures.length >= 3);
        texts.push(
            ...failures
                .map((failure) => failure.reason)
                .filter((reason) => !reason.startsWith("vaultUrl")),
        );
    });
});
