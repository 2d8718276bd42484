import * as assert from "assert";

import { diffSecret, engineDiff } from "../../provider/src/diff";
import { UNKNOWN } from "../../provider/src/model";
import { secretInputs, secretOutputs, VERSION_1 } from "./helpers";

const olds = secretOutputs("db", VERSION_1, {
    contentType: "text/plain",
    tags: { a: "1", b: "2" },
});

function diffWith(overrides: Record<string, unknown>) {
    return diffSecret(
        olds,
        secretInputs("db", { contentType: "text/plain", tags: { b: "2", a: "1" }, ...overrides }),
    );
}

describe("diff", () => {
    it("reports no change for equal inputs", () => {
        const result = diffWith({});
        assert.strictEqual(result.changes, false);
        assert.deepStrictEqual(result.replaces, []);
        assert.deepStrictEqual(result.diffs, []);
        assert.strictEqual(result.deleteBeforeReplace, false);
    });

    it("compares the value byte for byte", () => {
        const base = "pa\u00e9ss"; // "é" as one code point
        const decomposed = "pae\u0301ss"; // "é" as e + combining accent
        const stored = secretOutputs("db", VERSION_1, { value: base });
        assert.strictEqual(diffSecret(stored, secretInputs("db", { value: base })).changes, false);
        for (const value of [decomposed, `${base} `, `${base}\n`, base.toUpperCase()]) {
            const result = diffSecret(stored, secretInputs("db", { value }));
            assert.deepStrictEqual(result.diffs, ["value"], JSON.stringify(value));
            assert.deepStrictEqual(result.replaces, []);
        }
    });

    it("replaces on a new secret name", () => {
        const result = diffWith({ secretName: "db2" });
        assert.strictEqual(result.changes, true);
        assert.deepStrictEqual(result.replaces, ["secretName"]);
        assert.strictEqual(result.deleteBeforeReplace, false);
    });

    it("updates on a case-only name change", () => {
        const result = diffWith({ secretName: "DB" });
        assert.strictEqual(result.changes, true);
        assert.deepStrictEqual(result.replaces, []);
        assert.deepStrictEqual(result.diffs, ["secretName"]);
    });

    it("replaces on a new vault", () => {
        const result = diffWith({ vaultUrl: "https://other-vault.vault.azure.net/" });
        assert.deepStrictEqual(result.replaces, ["vaultUrl"]);
    });

    it("names vaultName when replacing by name", () => {
        const result = diffWith({ vaultName: "other", vaultUrl: "https://other.vault.azure.net/" });
        assert.deepStrictEqual(result.replaces, ["vaultName"]);
    });

    it("treats equal vault URL spellings as one vault", () => {
        for (const vaultUrl of [
            "https://UNIT-VAULT.vault.azure.net/",
            "https://unit-vault.vault.azure.net",
            "https://unit-vault.vault.azure.net:443/",
        ]) {
            assert.strictEqual(diffWith({ vaultUrl }).changes, false, vaultUrl);
        }
    });

    it("treats vaultName and its URL as one vault", () => {
        const result = diffWith({
            vaultName: "unit-vault",
            vaultUrl: "https://unit-vault.vault.azure.net/",
        });
        assert.strictEqual(result.changes, false);
    });

    it("updates metadata without replacing", () => {
        const cases: Array<[Record<string, unknown>, string]> = [
            [{ contentType: "application/json" }, "contentType"],
            [{ contentType: undefined }, "contentType"],
            [{ tags: { a: "1" } }, "tags"],
            [{ tags: { a: "1", b: "3" } }, "tags"],
            [{ enabled: false }, "enabled"],
            [{ notBefore: "2027-01-01T00:00:00Z" }, "notBefore"],
            [{ expiresOn: "2028-01-01T00:00:00Z" }, "expiresOn"],
            [{ recoverSoftDeleted: false }, "recoverSoftDeleted"],
            [{ purgeOnDelete: true }, "purgeOnDelete"],
        ];
        for (const [overrides, property] of cases) {
            const result = diffWith(overrides);
            assert.deepStrictEqual(result.diffs, [property], JSON.stringify(overrides));
            assert.deepStrictEqual(result.replaces, [], JSON.stringify(overrides));
            assert.strictEqual(result.changes, true);
        }
    });

    it("treats no tags and empty tags alike", () => {
        const stored = secretOutputs("db", VERSION_1);
        assert.strictEqual(diffSecret(stored, secretInputs("db", { tags: {} })).changes, false);
    });

    it("compares dates as instants", () => {
        const stored = secretOutputs("db", VERSION_1, { expiresOn: "2028-01-01T00:00:00Z" });
        const result = diffSecret(
            stored,
            secretInputs("db", { expiresOn: "2028-01-01T01:00:00+01:00" }),
        );
        assert.strictEqual(result.changes, false);
    });

    it("counts unknown inputs as changes", () => {
        const result = diffSecret(
            olds,
            secretInputs("db", {
                value: UNKNOWN,
                contentType: "text/plain",
                tags: { a: "1", b: UNKNOWN },
                enabled: UNKNOWN,
            }),
        );
        assert.strictEqual(result.changes, true);
        assert.deepStrictEqual(result.replaces, []);
        assert.deepStrictEqual(result.diffs, ["value", "tags", "enabled"]);
    });

    it("counts unknown name or vault as replacement", () => {
        const name = diffWith({ secretName: UNKNOWN });
        assert.deepStrictEqual(name.replaces, ["secretName"]);
        const vault = diffWith({ vaultName: UNKNOWN, vaultUrl: UNKNOWN });
        assert.deepStrictEqual(vault.replaces, ["vaultName"]);
    });

    describe("engineDiff", () => {
        const base = { changes: true, replaces: [], diffs: ["value"], deleteBeforeReplace: false as const };

        it("reports no change as false", () => {
            assert.deepStrictEqual(engineDiff({ ...base, changes: false, diffs: [] }), { changes: false });
        });

        it("leaves a change for the engine to detail", () => {
            const result = engineDiff(base);
            assert.strictEqual(result.changes, undefined);
            assert.deepStrictEqual(result.replaces, []);
        });

        it("keeps the replacement keys", () => {
            const result = engineDiff({ ...base, replaces: ["secretName"], diffs: ["secretName"] });
            assert.deepStrictEqual(result.replaces, ["secretName"]);
            assert.strictEqual(result.deleteBeforeReplace, false);
        });
    });
});
