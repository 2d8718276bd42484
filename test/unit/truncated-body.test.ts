import * as assert from "assert";

import { isKeyVaultError } from "../../provider/src/errors";
import { keyVaultSecretProvider as provider } from "../../provider/src/provider";
import { overrideSystem } from "../../provider/src/state";
import {
    API,
    applyConfig,
    captureError,
    LOGIN,
    mockToken,
    secretBundle,
    secretOutputs,
    useUnitEnvironment,
    vault,
    VAULT,
    VERSION_1,
} from "./helpers";

const ID = `${VAULT}/secrets/db`;

/** Returns the error that Node's fetch raises when the peer closes the socket mid-body. */
function socketClosed(): TypeError {
    const cause = Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" });
    return Object.assign(new TypeError("terminated"), { cause });
}

/** Returns a 200 response whose body stops after a few bytes with a socket error. */
function truncatedResponse(): Response {
    const body = new ReadableStream<Uint8Array>({
        start(controller) {
            controller.enqueue(new TextEncoder().encode('{"value":"par'));
            controller.error(socketClosed());
        },
    });
    return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
}

/**
 * Replaces `fetch` so that the first `count` requests to URLs starting with `prefix` get a
 * truncated response; other requests go to nock. Returns the number of requests seen and a
 * function that restores `fetch`.
 */
function truncateFirst(prefix: string, count: number) {
    const seen = { requests: 0 };
    const restore = overrideSystem({
        fetch: async (input, init) => {
            if (String(input).startsWith(prefix)) {
                seen.requests += 1;
                if (seen.requests <= count) {
                    return truncatedResponse();
                }
            }
            return globalThis.fetch(input, init);
        },
    });
    return { seen, restore };
}

// A response whose headers arrived but whose body was cut off is a network failure: it is
// retried like a connection reset, and the last one is reported as a KeyVaultError.
describe("truncated response body", () => {
    const environment = useUnitEnvironment();

    it("vault read is retried", async () => {
        mockToken();
        const scope = vault().get(`/secrets/db?${API}`).reply(200, secretBundle("db", VERSION_1));
        const { seen, restore } = truncateFirst(VAULT, 1);
        try {
            const result = await provider.read!(ID, secretOutputs("db", VERSION_1));
            assert.strictEqual(result.id, ID);
        } finally {
            restore();
        }
        assert.ok(scope.isDone());
        assert.strictEqual(seen.requests, 2);
        assert.deepStrictEqual(environment.sleeps, [1000]);
        assert.match(environment.logs[0].message, /secret "db"/);
        assert.match(environment.logs[0].message, /UND_ERR_SOCKET/);
    });

    it("vault error names the secret", async () => {
        environment.config["azure-keyvault:maxRetries"] = "1";
        applyConfig(environment);
        mockToken();
        const { seen, restore } = truncateFirst(VAULT, 2);
        let error: Error;
        try {
            error = await captureError(() => provider.read!(ID, secretOutputs("db", VERSION_1)));
        } finally {
            restore();
        }
        assert.strictEqual(seen.requests, 2);
        assert.ok(isKeyVaultError(error), String(error));
        assert.strictEqual(error.code, "UND_ERR_SOCKET");
        assert.strictEqual(error.secretName, "db");
        assert.match(error.message, /secret "db" in vault https:\/\/unit-vault/);
        assert.match(error.message, /after 1 retries/);
    });

    it("token response is retried", async () => {
        mockToken();
        const scope = vault().get(`/secrets/db?${API}`).reply(200, secretBundle("db", VERSION_1));
        const { seen, restore } = truncateFirst(LOGIN, 1);
        try {
            await provider.read!(ID, secretOutputs("db", VERSION_1));
        } finally {
            restore();
        }
        assert.ok(scope.isDone());
        assert.strictEqual(seen.requests, 2);
        assert.deepStrictEqual(environment.sleeps, [1000]);
    });

    it("token error names the failure", async () => {
        environment.config["azure-keyvault:maxRetries"] = "1";
        applyConfig(environment);
        const { seen, restore } = truncateFirst(LOGIN, 2);
        let error: Error;
        try {
            error = await captureError(() => provider.read!(ID, secretOutputs("db", VERSION_1)));
        } finally {
            restore();
        }
        assert.strictEqual(seen.requests, 2);
        assert.ok(isKeyVaultError(error), String(error));
        assert.strictEqual(error.code, "UND_ERR_SOCKET");
        assert.match(error.message, /token request/);
        assert.match(error.message, /after 1 retries/);
    });
});
