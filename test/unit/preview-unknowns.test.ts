import * as assert from "assert";

import { checkSecretInputs } from "../../provider/src/check";
import { diffSecret } from "../../provider/src/diff";
import { UNKNOWN } from "../../provider/src/model";
import { secretOutputs, useUnitEnvironment, VAULT_URL, VERSION_1 } from "./helpers";

// During a preview, an input computed from another resource's output arrives as UNKNOWN. The
// checked inputs must keep it, or the engine and the diff see the property as absent.
describe("preview unknowns", () => {
    useUnitEnvironment();

    function checked(overrides: Record<string, unknown>) {
        const news = { vaultUrl: VAULT_URL, secretName: "db", value: "v", ...overrides };
        const result = checkSecretInputs(news);
        assert.deepStrictEqual(result.failures, []);
        return result.inputs;
    }

    for (const name of ["notBefore", "expiresOn"]) {
        it(`check keeps an unknown ${name}`, () => {
            const inputs = checked({ [name]: UNKNOWN });
            assert.strictEqual(inputs[name], UNKNOWN);
        });

        it(`diff counts an unknown ${name} as a change`, () => {
            const olds = secretOutputs("db", VERSION_1, { value: "v" });
            const result = diffSecret(olds, checked({ [name]: UNKNOWN }));
            assert.strictEqual(result.changes, true);
            assert.deepStrictEqual(result.diffs, [name]);
            assert.deepStrictEqual(result.replaces, []);
        });
    }

    it("check skips the date order for an unknown date", () => {
        const inputs = checked({ notBefore: "2031-01-01T00:00:00Z", expiresOn: UNKNOWN });
        assert.strictEqual(inputs.notBefore, "2031-01-01T00:00:00Z");
        assert.strictEqual(inputs.expiresOn, UNKNOWN);
    });
});
