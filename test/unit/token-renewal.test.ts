import * as assert from "assert";

import nock from "nock";

import { getAccessToken } from "../../provider/src/auth";
import { isKeyVaultError } from "../../provider/src/errors";
import { requireSettings } from "../../provider/src/settings";
import {
    applyConfig,
    captureError,
    CLIENT_SECRET,
    LOGIN,
    mockToken,
    TENANT,
    useUnitEnvironment,
    VAULT_URL,
} from "./helpers";

const SCOPE = "https://vault.azure.net/.default";
const PURPOSE = { vaultUrl: VAULT_URL, secretName: "db" };
const LIFETIME_S = 3600;
/** Seconds after issue at which the token is renewed: five minutes before it expires. */
const RENEW_AFTER_S = LIFETIME_S - 300;

function failTokenRequests(times: number) {
    return nock(LOGIN).post(`/${TENANT}/oauth2/v2.0/token`).times(times).reply(500, {
        error: "server_error",
        error_codes: [50000],
    });
}

// A token is renewed before it expires so that an outage of Microsoft Entra ID during the
// renewal window does not fail requests that the current token can still authorize.
describe("token renewal failure", () => {
    const environment = useUnitEnvironment();

    beforeEach(() => {
        environment.config["azure-keyvault:maxRetries"] = "1";
        applyConfig(environment);
    });

    it("keeps the unexpired token", async () => {
        mockToken({ token: "current-token", expiresIn: LIFETIME_S });
        const settings = requireSettings();
        assert.strictEqual(await getAccessToken(settings, SCOPE, PURPOSE), "current-token");
        environment.nowMs += (RENEW_AFTER_S + 10) * 1000;
        const failures = failTokenRequests(2);
        assert.strictEqual(await getAccessToken(settings, SCOPE, PURPOSE), "current-token");
        assert.ok(failures.isDone());
        const warnings = environment.logs.filter((line) => line.severity === "warn");
        assert.strictEqual(warnings.length, 1);
        assert.match(warnings[0].message, /renew/i);
        assert.doesNotMatch(warnings[0].message, new RegExp(CLIENT_SECRET));
    });

    it("retries renewal later, not at once", async () => {
        mockToken({ token: "current-token", expiresIn: LIFETIME_S });
        const settings = requireSettings();
        await getAccessToken(settings, SCOPE, PURPOSE);
        environment.nowMs += (RENEW_AFTER_S + 10) * 1000;
        failTokenRequests(2);
        await getAccessToken(settings, SCOPE, PURPOSE);
        environment.nowMs += 1000;
        assert.strictEqual(await getAccessToken(settings, SCOPE, PURPOSE), "current-token");
        assert.strictEqual(nock.pendingMocks().length, 0);
        environment.nowMs += 200_000;
        mockToken({ token: "renewed-token", expiresIn: LIFETIME_S });
        assert.strictEqual(await getAccessToken(settings, SCOPE, PURPOSE), "renewed-token");
    });

    it("fails once the token has expired", async () => {
        mockToken({ token: "current-token", expiresIn: LIFETIME_S });
        const settings = requireSettings();
        await getAccessToken(settings, SCOPE, PURPOSE);
        environment.nowMs += (LIFETIME_S + 1) * 1000;
        failTokenRequests(2);
        const error = await captureError(() => getAccessToken(settings, SCOPE, PURPOSE));
        assert.ok(isKeyVaultError(error));
        assert.strictEqual(error.statusCode, 500);
    });
});
