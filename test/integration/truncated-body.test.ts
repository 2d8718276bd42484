import { strict as assert } from "node:assert";
import * as http from "node:http";
import { AddressInfo } from "node:net";

import {
    DEV_CLIENT_ID,
    DEV_CLIENT_SECRET,
    DEV_TENANT_ID,
    startEmulator,
    type Emulator,
} from "../../emulator";
import { isKeyVaultError } from "../../provider/src/errors";
import { captureLogs } from "../../provider/src/log";
import { keyVaultSecretProvider as provider } from "../../provider/src/provider";
import { overrideSystem, resetLibraryState } from "../../provider/src/state";

// A vault on loopback that sends the headers of a 200 and part of its body, then closes the
// socket: Node's fetch then fails while the body is read, not while it connects.
describe("truncated response from a real socket", () => {
    let emulator: Emulator;
    let server: http.Server;
    let requests = 0;
    const restores: Array<() => void> = [];

    before(async () => {
        emulator = await startEmulator();
        server = http.createServer((req, res) => {
            requests += 1;
            req.resume();
            res.writeHead(200, { "content-type": "application/json", "content-length": "400" });
            res.write('{"value":"part');
            setImmediate(() => res.socket?.destroy());
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    });

    after(async () => {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        await emulator.close();
    });

    beforeEach(async () => {
        resetLibraryState();
        restores.push(captureLogs(() => undefined));
        restores.push(overrideSystem({ sleep: async () => undefined }));
        const config: Record<string, string> = {
            "azure-keyvault:tenantId": DEV_TENANT_ID,
            "azure-keyvault:clientId": DEV_CLIENT_ID,
            "azure-keyvault:clientSecret": DEV_CLIENT_SECRET,
            "azure-keyvault:authorityHost": emulator.authorityHost,
            "azure-keyvault:maxRetries": "2",
        };
        await provider.configure!({ config: { get: (key: string) => config[key] } } as never);
    });

    afterEach(() => {
        while (restores.length > 0) {
            restores.pop()?.();
        }
        resetLibraryState();
    });

    it("is retried and reported as a KeyVaultError", async () => {
        const port = (server.address() as AddressInfo).port;
        const vaultUrl = `http://127.0.0.1:${port}/`;
        const check = await provider.check!({}, { vaultUrl, secretName: "cut-off", value: "v" });
        assert.deepEqual(check.failures, []);
        requests = 0;
        let error: unknown;
        try {
            await provider.create(check.inputs);
        } catch (caught) {
            error = caught;
        }
        assert.equal(requests, 3);
        assert.ok(isKeyVaultError(error), String(error));
        assert.equal(error.code, "UND_ERR_SOCKET");
        assert.equal(error.secretName, "cut-off");
        assert.match(error.message, /after 2 retries/);
        assert.equal("id" in error, false);
    });
});
