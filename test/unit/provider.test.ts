import * as assert from "assert";
import { promises as fs } from "fs";
import * as os from "os";
import * as path from "path";

import * as pulumi from "@pulumi/pulumi";
import * as ts from "typescript";

import { keyVaultSecretProvider } from "../../provider/src/provider";
import { configureFromStack } from "../../provider/src/settings";
import { ACCESS_TOKEN, CLIENT_SECRET, useUnitEnvironment, VAULT_URL } from "./helpers";

const CONFIG_SECRET = "config-secret-Vq3~value";
const ENV_SECRET = "env-secret-Lm9~value";
const NATIVE_SECRET = "native-secret-Rt5~value";
const SOURCE_DIRECTORY = path.join(__dirname, "..", "..", "provider", "src");
const REPOSITORY_NODE_MODULES = path.join(__dirname, "..", "..", "node_modules");

/** Serializes a provider the way `pulumi.dynamic.Resource` does before storing it. */
async function serializeProvider(provider: object): Promise<string> {
    const serialized = await pulumi.runtime.serializeFunction(() => provider, {
        allowSecrets: true,
    });
    assert.strictEqual(serialized.containsSecrets, false);
    return serialized.text;
}

/** Sets credentials in every place the provider reads them from. */
function setCredentialsEverywhere(): void {
    configureFromStack({
        get: (key) =>
            ({
                "azure-keyvault:clientSecret": CONFIG_SECRET,
                "azure-native:clientSecret": NATIVE_SECRET,
                "azure-keyvault:tenantId": "tenant",
                "azure-keyvault:clientId": "client",
            })[key],
    });
    process.env.AZURE_CLIENT_SECRET = ENV_SECRET;
    process.env.ARM_CLIENT_SECRET = ENV_SECRET;
}

/**
 * Transpiles the library into `{root}/node_modules/pulumi-azure-keyvault-secret/dist`, as an
 * installed copy, with `@pulumi/pulumi` linked from this repository.
 */
async function installLibraryCopy(root: string): Promise<string> {
    const dist = path.join(root, "node_modules", "pulumi-azure-keyvault-secret", "dist");
    await fs.mkdir(dist, { recursive: true });
    await fs.mkdir(path.join(root, "node_modules", "@pulumi"), { recursive: true });
    await fs.symlink(
        path.join(REPOSITORY_NODE_MODULES, "@pulumi", "pulumi"),
        path.join(root, "node_modules", "@pulumi", "pulumi"),
    );
    for (const file of await fs.readdir(SOURCE_DIRECTORY)) {
        const source = await fs.readFile(path.join(SOURCE_DIRECTORY, file), "utf8");
        const output = ts.transpileModule(source, {
            compilerOptions: {
                module: ts.ModuleKind.CommonJS,
                target: ts.ScriptTarget.ES2022,
                esModuleInterop: true,
            },
        });
        await fs.writeFile(path.join(dist, file.replace(/\.ts$/, ".js")), output.outputText);
    }
    await fs.writeFile(
        path.join(dist, "..", "package.json"),
        JSON.stringify({ name: "pulumi-azure-keyvault-secret", main: "dist/index.js" }),
    );
    return dist;
}

describe("serialized provider", () => {
    useUnitEnvironment();

    it("captures no credential from a local copy", async function () {
        this.timeout(60_000);
        setCredentialsEverywhere();
        const text = await serializeProvider(keyVaultSecretProvider);
        for (const secret of [
            CONFIG_SECRET,
            ENV_SECRET,
            NATIVE_SECRET,
            CLIENT_SECRET,
            ACCESS_TOKEN,
        ]) {
            assert.ok(!text.includes(secret), `serialized provider contains ${secret}`);
        }
        assert.match(text, /__pulumiAzureKeyVaultSecretState/);
    });

    it("is a few requires when installed", async function () {
        this.timeout(60_000);
        const root = await fs.mkdtemp(path.join(os.tmpdir(), "kv-serialize-"));
        try {
            const dist = await installLibraryCopy(root);
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const installed = require(path.join(dist, "provider.js"));
            installed.keyVaultSecretProvider.configure({ config: { get: () => CONFIG_SECRET } });
            process.env.AZURE_CLIENT_SECRET = ENV_SECRET;
            const text = await serializeProvider(installed.keyVaultSecretProvider);
            assert.ok(!text.includes(CONFIG_SECRET));
            assert.ok(!text.includes(ENV_SECRET));
            for (const module of ["check", "delete", "diff", "operations", "settings"]) {
                assert.ok(
                    text.includes(`require("pulumi-azure-keyvault-secret/dist/${module}.js")`),
                    module,
                );
            }
            assert.ok(text.length < 4000, `serialized provider is ${text.length} characters`);
        } finally {
            await fs.rm(root, { recursive: true, force: true });
        }
    });
});

describe("KeyVaultSecret", () => {
    const registrations: pulumi.runtime.MockResourceArgs[] = [];

    before(async () => {
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => {
                    registrations.push(args);
                    return {
                        id: `${VAULT_URL}secrets/${args.inputs.secretName}`,
                        state: args.inputs,
                    };
                },
                call: () => ({}),
            },
            "project",
            "stack",
            false,
        );
    });

    it("stores the value as a secret input", async function () {
        this.timeout(60_000);
        const { KeyVaultSecret } = await import("../../provider/src/resource");
        const secret = new KeyVaultSecret("db-password", {
            vaultUrl: VAULT_URL,
            value: "plain text",
        });
        const isSecret = await (secret.value as unknown as { isSecret: Promise<boolean> }).isSecret;
        const registration = registrations.find((args) => args.name === "db-password");
        assert.ok(registration !== undefined);
        assert.strictEqual(
            registration.type,
            "pulumi-nodejs:dynamic/azure-keyvault:KeyVaultSecret",
        );
        assert.strictEqual(registration.inputs.secretName, "db-password");
        const storedValue = registration.inputs.value as Record<string, unknown>;
        assert.strictEqual(
            storedValue["4dabf18193072939515e22adb298388d"],
            "1b47061264138c4ac30d75fd1eb44270",
        );
        assert.strictEqual(storedValue.value, "plain text");
        assert.strictEqual(isSecret, true);
    });

    it("keeps an explicit secret name", async function () {
        this.timeout(60_000);
        const { KeyVaultSecret } = await import("../../provider/src/resource");
        const secret = new KeyVaultSecret("resource-name", {
            vaultName: "unit-vault",
            secretName: "other",
            value: "v",
        });
        await new Promise((resolve) => secret.urn.apply(resolve));
        const registration = registrations.find((args) => args.name === "resource-name");
        assert.strictEqual(registration?.inputs.secretName, "other");
        assert.strictEqual(registration?.inputs.vaultName, "unit-vault");
    });
});
