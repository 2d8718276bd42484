import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import type { Emulator } from "../../emulator";
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET, DEV_TENANT_ID } from "../../emulator";

const repoRoot = path.resolve(__dirname, "..", "..");
const programDir = path.join(__dirname, "program");

/** Output of one `pulumi` command. */
export interface PulumiResult {
    code: number;
    stdout: string;
    stderr: string;
}

/** One secret of the test program (see test/e2e/program/index.ts). */
export interface SecretSpec {
    name: string;
    contentType?: string;
    tags?: Record<string, string>;
    enabled?: boolean;
    notBefore?: string;
    expiresOn?: string;
    recoverSoftDeleted?: boolean;
    purgeOnDelete?: boolean;
}

/** Options of {@link PulumiWorkspace.create}. */
export interface WorkspaceOptions {
    emulator: Emulator;
    vault?: string;
    /** "config" stores the credentials in stack config, "env" passes AZURE_* variables. */
    credentials?: "config" | "env";
    /** Extra environment for every command, such as retry limits. */
    env?: Record<string, string>;
}

/**
 * A copy of the e2e program in a temporary folder with its own `file://` backend and stack,
 * driven through the real `pulumi` CLI. Every command's output is kept in `transcript`, so
 * tests can check that no secret reached it.
 */
export class PulumiWorkspace {
    readonly transcript: string[] = [];
    private extraEnv: Record<string, string>;

    private constructor(
        readonly dir: string,
        private readonly options: WorkspaceOptions,
    ) {
        this.extraEnv = { ...(options.env ?? {}) };
    }

    static async create(options: WorkspaceOptions): Promise<PulumiWorkspace> {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kv-e2e-"));
        for (const file of ["Pulumi.yaml", "index.ts"]) {
            fs.copyFileSync(path.join(programDir, file), path.join(dir, file));
        }
        fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(programTsconfig, null, 2));
        fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"));
        fs.mkdirSync(path.join(dir, "state"));
        const workspace = new PulumiWorkspace(dir, options);
        await workspace.check(["stack", "init", "test"]);
        const vault = options.vault ?? "dev";
        await workspace.check(["config", "set", "vaultUrl", options.emulator.vaultUrl(vault)]);
        if ((options.credentials ?? "config") === "config") {
            await workspace.configureCredentials();
        }
        return workspace;
    }

    /** Stores the development principal in the `azure-keyvault:*` stack settings. */
    async configureCredentials(): Promise<void> {
        const emulator = this.options.emulator;
        await this.check(["config", "set", "azure-keyvault:tenantId", DEV_TENANT_ID]);
        await this.check(["config", "set", "azure-keyvault:clientId", DEV_CLIENT_ID]);
        await this.check(["config", "set", "--secret", "azure-keyvault:clientSecret", DEV_CLIENT_SECRET]);
        await this.check(["config", "set", "azure-keyvault:authorityHost", emulator.authorityHost]);
    }

    /** Environment variables that give the development principal to the provider. */
    credentialEnv(): Record<string, string> {
        return {
            AZURE_TENANT_ID: DEV_TENANT_ID,
            AZURE_CLIENT_ID: DEV_CLIENT_ID,
            AZURE_CLIENT_SECRET: DEV_CLIENT_SECRET,
            AZURE_AUTHORITY_HOST: this.options.emulator.authorityHost,
        };
    }

    setEnv(env: Record<string, string>): void {
        this.extraEnv = { ...this.extraEnv, ...env };
    }

    /** Declares the program's secrets: the plain spec list and the secret value map. */
    async declare(specs: SecretSpec[], values: Record<string, string>): Promise<void> {
        await this.check(["config", "set", "--plaintext", "secrets", JSON.stringify(specs)]);
        await this.check(["config", "set", "--secret", "values", JSON.stringify(values)]);
    }

    up(...extra: string[]): Promise<PulumiResult> {
        return this.run(["up", "--yes", "--skip-preview", ...extra]);
    }

    /** Runs `pulumi stack export` (secrets stay encrypted) and parses it. */
    async exportStack(): Promise<{ text: string; deployment: any }> {
        const result = await this.check(["stack", "export"]);
        return { text: result.stdout, deployment: JSON.parse(result.stdout).deployment };
    }

    /** Returns the state of the KeyVaultSecret resources by resource name. */
    async resources(): Promise<Record<string, any>> {
        const { deployment } = await this.exportStack();
        const found: Record<string, any> = {};
        for (const resource of deployment.resources ?? []) {
            if (String(resource.type).startsWith("pulumi-nodejs:dynamic")) {
                found[String(resource.urn).split("::").pop()!] = resource;
            }
        }
        return found;
    }

    /** Runs a command and fails with its output when it exits with a non-zero code. */
    async check(args: string[]): Promise<PulumiResult> {
        const result = await this.run(args);
        if (result.code !== 0) {
            throw new Error(`pulumi ${args[0]} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
        }
        return result;
    }

    run(args: string[]): Promise<PulumiResult> {
        const env: NodeJS.ProcessEnv = { ...process.env };
        for (const name of Object.keys(env)) {
            if (/^(AZURE|ARM)_/.test(name)) delete env[name];
        }
        Object.assign(env, {
            PULUMI_BACKEND_URL: `file://${path.join(this.dir, "state")}`,
            PULUMI_CONFIG_PASSPHRASE: "e2e-test-passphrase",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_SKIP_CONFIRMATIONS: "true",
            NO_COLOR: "1",
            PULUMI_NODEJS_TRANSPILE_ONLY: "true",
            ...(this.options.credentials === "env" ? this.credentialEnv() : {}),
            ...this.extraEnv,
        });
        // `stack init` takes the stack name as its argument and rejects --stack next to it.
        const stackArgs = args[0] === "stack" && args[1] === "init" ? [] : ["--stack", "test"];
        const fullArgs = [...args, "--non-interactive", ...stackArgs];
        return new Promise((resolve, reject) => {
            const child = spawn("pulumi", fullArgs, { cwd: this.dir, env });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (chunk) => (stdout += chunk));
            child.stderr.on("data", (chunk) => (stderr += chunk));
            child.on("error", reject);
            child.on("close", (code) => {
                // Only the command words: `config set --secret` carries a value in its arguments.
                this.transcript.push(`$ pulumi ${args.slice(0, 2).join(" ")}\n${stdout}\n${stderr}`);
                resolve({ code: code ?? -1, stdout, stderr });
            });
        });
    }

    dispose(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

const programTsconfig = {
    compilerOptions: {
        target: "ES2022",
        module: "commonjs",
        moduleResolution: "node",
        strict: true,
        esModuleInterop: true,
        skipLibCheck: true,
        types: ["node"],
    },
    files: ["index.ts"],
};

/** Summarizes the emulator's request log by vault, method and route, e.g. "login POST ...: 1". */
export function requestSummary(emulator: Emulator): string {
    const counts = new Map<string, number>();
    for (const request of emulator.requests()) {
        const key = `${request.vault} ${request.route}${request.status >= 400 ? ` ${request.status}` : ""}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts.entries()].map(([key, count]) => `${key}: ${count}`).join("; ");
}

/**
 * Asserts that no access token the emulator issued, no client secret and none of `values`
 * appears in the CLI output of `workspaces`.
 */
export function assertNoSecretsInOutput(
    workspaces: PulumiWorkspace[],
    tokens: string[],
    values: string[],
): void {
    const transcript = workspaces.flatMap((workspace) => workspace.transcript).join("\n");
    for (const token of tokens) {
        assert.ok(!transcript.includes(token), "an access token reached CLI output");
    }
    assert.ok(!transcript.includes(DEV_CLIENT_SECRET), "the client secret reached CLI output");
    for (const value of values) {
        assert.ok(!transcript.includes(value), "a secret value reached CLI output");
    }
}
