import * as assert from "assert";

import { checkSecretInputs } from "../../provider/src/check";
import { parseRfc3339 } from "../../provider/src/dates";
import { useUnitEnvironment, VAULT_URL } from "./helpers";

// RFC 3339 limits the hours of a time offset to 00-23 and its minutes to 00-59.
describe("date offsets", () => {
    useUnitEnvironment();

    it("accept the widest valid offsets", () => {
        assert.deepStrictEqual(parseRfc3339("2030-01-01T23:59:00+23:59"), {
            epochSeconds: Date.UTC(2030, 0, 1) / 1000,
        });
        assert.deepStrictEqual(parseRfc3339("2030-01-01T00:00:00-00:00"), {
            epochSeconds: Date.UTC(2030, 0, 1) / 1000,
        });
    });

    for (const offset of ["+24:00", "-25:00", "+02:60", "+99:99"]) {
        it(`reject the offset ${offset}`, () => {
            const parsed = parseRfc3339(`2030-01-01T00:00:00${offset}`);
            assert.ok(parsed.problem !== undefined, `${offset} was accepted`);
            assert.match(parsed.problem, /offset/);
        });
    }

    it("fail check for an invalid offset", () => {
        const { failures } = checkSecretInputs({
            vaultUrl: VAULT_URL,
            secretName: "db",
            value: "v",
            expiresOn: "2030-01-01T00:00:00+02:75",
        });
        assert.strictEqual(failures.length, 1, JSON.stringify(failures));
        assert.strictEqual(failures[0].property, "expiresOn");
    });
});
