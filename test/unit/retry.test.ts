import * as assert from "assert";

import nock from "nock";

import { isKeyVaultError } from "../../provider/src/errors";
import { keyVaultSecretProvider as provider } from "../../provider/src/provider";
import { backoffDelayMs, parseRetryAfterMs } from "../../provider/src/retry";
import { overrideSystem } from "../../provider/src/state";
import {
    API,
    applyConfig,
    captureError,
    errorBody,
    mockToken,
    secretBundle,
    secretOutputs,
    START_MS,
    useUnitEnvironment,
    vault,
    VAULT,
    VERSION_1,
} from "./helpers";

const ID = `${VAULT}/secrets/db`;
const THROTTLED = errorBody("Throttled");

function readSecret() {
    return provider.read!(ID, secretOutputs("db", VERSION_1));
}

describe("retry", () => {
    const environment = useUnitEnvironment();
    beforeEach(() => {
        mockToken();
    });

    it("honours Retry-After seconds on 429", async () => {
        const scope = vault()
            .get(`/secrets/db?${API}`)
            .reply(429, THROTTLED, { "retry-after": "3", "x-ms-request-id": "req-429" })
            .get(`/secrets/db?${API}`)
            .reply(200, secretBundle("db", VERSION_1));
        await readSecret();
        assert.ok(scope.isDone());
        assert.deepStrictEqual(environment.sleeps, [3000]);
        assert.strictEqual(environment.logs.length, 1);
        const line = environment.logs[0].message;
        assert.match(line, /secret "db"/);
        assert.match(line, /HTTP 429 \(Throttled\)/);
        assert.match(line, /req-429/);
        assert.match(line, /retry 1 of 8 in 3\.0 s/);
        assert.doesNotMatch(line, /api-version|Bearer/);
    });

    it("honours Retry-After dates on 429", async () => {
        const retryAt = new Date(START_MS + 7000).toUTCString();
        const scope = vault()
            .get(`/secrets/db?${API}`)
            .reply(429, THROTTLED, { "retry-after": retryAt })
            .get(`/secrets/db?${API}`)
            .reply(200, secretBundle("db", VERSION_1));
        await readSecret();
        assert.ok(scope.isDone());
        assert.deepStrictEqual(environment.sleeps, [7000]);
    });

    it("backs off on 429 without Retry-After", async () => {
        const scope = vault()
            .get(`/secrets/db?${API}`)
            .times(2)
            .reply(429, THROTTLED)
            .get(`/secrets/db?${API}`)
            .reply(200, secretBundle("db", VERSION_1));
        await readSecret();
        assert.ok(scope.isDone());
        assert.deepStrictEqual(environment.sleeps, [1000, 2000]);
    });

    it("honours Retry-After on 503", async () => {
        const scope = vault()
            .get(`/secrets/db?${API}`)
            .reply(503, {}, { "retry-after": "5" })
            .get(`/secrets/db?${API}`)
            .reply(503, {})
            .get(`/secrets/db?${API}`)
            .reply(200, secretBundle("db", VERSION_1));
        await readSecret();
        assert.ok(scope.isDone());
        assert.deepStrictEqual(environment.sleeps, [5000, 2000]);
    });

    it("backs off on 500, 502 and 504", async () => {
        const scope = vault()
            .get(`/secrets/db?${API}`)
            .reply(500, {})
            .get(`/secrets/db?${API}`)
            .reply(502, "<html>bad gateway</html>")
            .get(`/secrets/db?${API}`)
            .reply(504, {})
            .get(`/secrets/db?${API}`)
            .reply(200, secretBundle("db", VERSION_1));
        await readSecret();
        assert.ok(scope.isDone());
        assert.deepStrictEqual(environment.sleeps, [1000, 2000, 4000]);
    });

    it("retries a connection reset", async () => {
        const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
        const scope = vault()
            .get(`/secrets/db?${API}`)
            .replyWithError(reset)
            .get(`/secrets/db?${API}`)
            .reply(200, secretBundle("db", VERSION_1));
        await readSecret();
        assert.ok(scope.isDone());
        assert.deepStrictEqual(environment.sleeps, [1000]);
        assert.match(environment.logs[0].message, /ECONNRESET/);
    });

    it("does not retry an unknown host", async () => {
        const notFound = Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
        const scope = vault().get(`/secrets/db?${API}`).replyWithError(notFound);
        const error = await captureError(readSecret);
        assert.ok(scope.isDone());
        assert.ok(isKeyVaultError(error));
        assert.strictEqual(error.code, "ENOTFOUND");
        assert.match(error.message, /host name does not resolve/);
        assert.deepStrictEqual(environment.sleeps, []);
    });

    it("does not retry a certificate failure", async () => {
        const untrusted = Object.assign(new Error("self-signed certificate"), {
            code: "DEPTH_ZERO_SELF_SIGNED_CERT",
        });
        vault().get(`/secrets/db?${API}`).replyWithError(untrusted);
        const error = await captureError(readSecret);
        assert.match(error.message, /DEPTH_ZERO_SELF_SIGNED_CERT/);
        assert.match(error.message, /NODE_EXTRA_CA_CERTS/);
        assert.deepStrictEqual(environment.sleeps, []);
    });

    it("retries a timed-out attempt", async () => {
        const signals: Array<AbortSignal | null | undefined> = [];
        let vaultCalls = 0;
        const restore = overrideSystem({
            fetch: async (input, init) => {
                if (String(input).startsWith(VAULT)) {
                    signals.push(init?.signal);
                    vaultCalls += 1;
                    if (vaultCalls === 1) {
                        throw new DOMException(
                            "The operation was aborted due to timeout",
                            "TimeoutError",
                        );
                    }
                }
                return globalThis.fetch(input, init);
            },
        });
        try {
            vault().get(`/secrets/db?${API}`).reply(200, secretBundle("db", VERSION_1));
            await readSecret();
        } finally {
            restore();
        }
        assert.strictEqual(vaultCalls, 2);
        assert.ok(signals.every((signal) => signal instanceof AbortSignal));
        assert.deepStrictEqual(environment.sleeps, [1000]);
    });

    it("reports a timeout after the last retry", async () => {
        environment.config["azure-keyvault:maxRetries"] = "1";
        applyConfig(environment);
        const restore = overrideSystem({
            fetch: async (input, init) => {
                if (String(input).startsWith(VAULT)) {
                    throw new DOMException(
                        "The operation was aborted due to timeout",
                        "TimeoutError",
                    );
                }
                return globalThis.fetch(input, init);
            },
        });
        let error: Error;
        try {
            error = await captureError(readSecret);
        } finally {
            restore();
        }
        assert.ok(isKeyVaultError(error));
        assert.strictEqual(error.code, "TimeoutError");
        assert.match(error.message, /no response within 30 s/);
        assert.match(error.message, /after 1 retries/);
    });

    it("stops after maxRetries", async () => {
        environment.config["azure-keyvault:maxRetries"] = "2";
        applyConfig(environment);
        const scope = vault()
            .get(`/secrets/db?${API}`)
            .times(3)
            .reply(500, errorBody("InternalError"));
        const error = await captureError(readSecret);
        assert.ok(scope.isDone());
        assert.ok(isKeyVaultError(error));
        assert.strictEqual(error.statusCode, 500);
        assert.match(error.message, /HTTP 500 \(InternalError\) after 2 retries/);
        assert.deepStrictEqual(environment.sleeps, [1000, 2000]);
    });

    it("stops at the total wait bound", async () => {
        process.env.AZURE_KEYVAULT_MAX_RETRY_WAIT_SECONDS = "5";
        const scope = vault().get(`/secrets/db?${API}`).times(3).reply(502, {});
        const error = await captureError(readSecret);
        assert.ok(scope.isDone());
        assert.ok(isKeyVaultError(error));
        assert.deepStrictEqual(environment.sleeps, [1000, 2000]);
    });

    it("refuses a Retry-After beyond the bound", async () => {
        const scope = vault()
            .get(`/secrets/db?${API}`)
            .reply(429, THROTTLED, { "retry-after": "600" });
        const error = await captureError(readSecret);
        assert.ok(scope.isDone());
        assert.ok(isKeyVaultError(error));
        assert.strictEqual(error.statusCode, 429);
        assert.match(error.message, /--parallel/);
        assert.deepStrictEqual(environment.sleeps, []);
    });

    it("caps the backoff at 16 s", async () => {
        const scope = vault().get(`/secrets/db?${API}`).times(9).reply(500, {});
        await captureError(readSecret);
        assert.ok(scope.isDone());
        assert.deepStrictEqual(
            environment.sleeps,
            [1000, 2000, 4000, 8000, 16000, 16000, 16000, 16000],
        );
    });

    it("does not retry 400", async () => {
        const scope = vault().get(`/secrets/db?${API}`).reply(400, errorBody("BadParameter"));
        await captureError(readSecret);
        assert.ok(scope.isDone());
        assert.deepStrictEqual(environment.sleeps, []);
        assert.strictEqual(nock.pendingMocks().length, 0);
    });
});

describe("retry delays", () => {
    it("scale by jitter between 0.8 and 1.2", () => {
        assert.strictEqual(
            backoffDelayMs(0, () => 0),
            800,
        );
        assert.strictEqual(
            backoffDelayMs(0, () => 0.5),
            1000,
        );
        assert.strictEqual(
            backoffDelayMs(2, () => 0.999999),
            4800,
        );
        assert.strictEqual(
            backoffDelayMs(10, () => 0.5),
            16000,
        );
    });

    it("parse millisecond headers first", () => {
        const headers = new Headers({ "retry-after-ms": "250", "retry-after": "9" });
        assert.strictEqual(parseRetryAfterMs(headers, 0), 250);
        assert.strictEqual(parseRetryAfterMs(new Headers({ "x-ms-retry-after-ms": "40" }), 0), 40);
    });

    it("ignore unusable Retry-After values", () => {
        assert.strictEqual(parseRetryAfterMs(new Headers({ "retry-after": "soon" }), 0), undefined);
        assert.strictEqual(parseRetryAfterMs(new Headers(), 0), undefined);
        const past = new Date(START_MS - 5000).toUTCString();
        assert.strictEqual(parseRetryAfterMs(new Headers({ "retry-after": past }), START_MS), 0);
    });
});
