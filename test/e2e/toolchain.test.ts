import { strict as assert } from "node:assert";
import { ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";

import * as grpc from "@grpc/grpc-js";
import { LanguageRuntimeClient } from "@pulumi/pulumi/proto/language_grpc_pb";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";

// These tests check what scripts/setup.sh puts on PATH, so run them through `npm test`.

const repoRoot = path.resolve(__dirname, "..", "..");
const pulumiVersion = "v3.276.0";

/** Runs a command to completion and fails the test with its output when it cannot start. */
function runTool(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
    const result = spawnSync(command, args, { encoding: "utf8", timeout: 120_000, ...options });
    if (result.error) {
        throw new Error(
            `${command} could not be started (${result.error.message}); ` +
                "run the tests with `npm test`, which sources scripts/setup.sh",
        );
    }
    return { code: result.status, output: `${result.stdout}${result.stderr}`, stdout: result.stdout };
}

/** Starts the language host and resolves with the port it prints on its first stdout line. */
function startLanguageHost(): Promise<{ host: ChildProcessWithoutNullStreams; port: string }> {
    // The engine address is only handed to programs, so an unused one is enough here.
    const host = spawn("pulumi-language-nodejs", ["127.0.0.1:1"]);
    return new Promise((resolve, reject) => {
        host.on("error", reject);
        host.on("exit", (code) => reject(new Error(`pulumi-language-nodejs exited with ${code}`)));
        readline.createInterface({ input: host.stdout }).once("line", (port) => resolve({ host, port }));
    });
}

function getPluginInfo(port: string): Promise<PluginInfo> {
    const client = new LanguageRuntimeClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new Promise((resolve, reject) => {
        client.getPluginInfo(new Empty(), (err, info) => {
            client.close();
            if (err) {
                reject(err);
            } else {
                resolve(info);
            }
        });
    });
}

const echoProgram = `
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
pulumi.log.info(\`program: greeting=\${config.require("greeting")}\`);
config.requireSecret("token").apply((t) => pulumi.log.info(\`program: token length=\${t.length}\`));
if (config.getBoolean("fail")) {
    throw new Error("intentional failure requested by config fail=true");
}

class EchoProvider implements pulumi.dynamic.ResourceProvider {
    private greeting = "unset";
    private tokenLength = -1;

    async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
        this.greeting = req.config.require("greeting");
        this.tokenLength = String(req.config.get("token") ?? "").length;
    }

    async create(inputs: any): Promise<pulumi.dynamic.CreateResult> {
        const outs = { name: inputs.name, greeting: this.greeting, tokenLength: this.tokenLength };
        return { id: \`echo-\${inputs.name}\`, outs };
    }
}

class Echo extends pulumi.dynamic.Resource {
    declare readonly greeting: pulumi.Output<string>;
    declare readonly tokenLength: pulumi.Output<number>;

    constructor(name: string) {
        super(new EchoProvider(), name, { name, greeting: undefined, tokenLength: undefined });
    }
}

const echo = new Echo("first");
export const id = echo.id;
export const greeting = echo.greeting;
export const tokenLength = echo.tokenLength;
`;

/** A throwaway Pulumi project in a temporary folder, with its own file:// backend. */
class EchoProject {
    readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "toolchain-e2e-"));
    private readonly env: NodeJS.ProcessEnv;

    constructor() {
        fs.writeFileSync(path.join(this.dir, "Pulumi.yaml"), "name: toolchain-echo\nruntime: nodejs\n");
        fs.writeFileSync(path.join(this.dir, "package.json"), '{ "name": "toolchain-echo", "main": "index.ts" }\n');
        fs.writeFileSync(path.join(this.dir, "index.ts"), echoProgram);
        fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(this.dir, "node_modules"));
        fs.mkdirSync(path.join(this.dir, "state"));
        this.env = {
            ...process.env,
            PULUMI_BACKEND_URL: `file://${path.join(this.dir, "state")}`,
            PULUMI_CONFIG_PASSPHRASE: "toolchain-test",
            PULUMI_NODEJS_TRANSPILE_ONLY: "true",
            NO_COLOR: "1",
        };
    }

    pulumi(...args: string[]) {
        return runTool("pulumi", [...args, "--non-interactive"], { cwd: this.dir, env: this.env });
    }

    dispose(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

describe("toolchain", () => {
    it("pulumi reports the pinned version", () => {
        const result = runTool("pulumi", ["version"]);

        assert.equal(result.code, 0, result.output);
        assert.equal(result.stdout.trim(), pulumiVersion);
    });

    it("dynamic provider plugin is on PATH", () => {
        const result = runTool("sh", ["-c", "command -v pulumi-resource-pulumi-nodejs"]);

        assert.equal(result.code, 0, "pulumi-resource-pulumi-nodejs is not on PATH");
    });

    it("language host prints a port and serves", async () => {
        const { host, port } = await startLanguageHost();
        try {
            assert.match(port, /^\d+$/);
            const info = await getPluginInfo(port);
            assert.match(info.getVersion(), /^\d+\.\d+\.\d+/);
        } finally {
            host.kill();
        }
    });

    describe("offline deployment of a dynamic resource", () => {
        let project: EchoProject;

        before(() => {
            project = new EchoProject();
            assert.equal(project.pulumi("stack", "init", "dev").code, 0);
            assert.equal(project.pulumi("config", "set", "greeting", "hello").code, 0);
            assert.equal(project.pulumi("config", "set", "--secret", "token", "s3cr3t-value").code, 0);
        });

        after(() => project.dispose());

        it("up creates the resource", () => {
            const result = project.pulumi("up", "--yes", "--skip-preview");

            assert.equal(result.code, 0, result.output);
            assert.match(result.output, /program: greeting=hello/);
            assert.match(result.output, /program: token length=12/);
        });

        it("configure receives stack config", () => {
            const result = project.pulumi("stack", "output", "--json");
            const outputs = JSON.parse(result.stdout);

            assert.equal(outputs.id, "echo-first");
            assert.equal(outputs.greeting, "hello");
            assert.equal(outputs.tokenLength, 12);
        });

        it("second up has no changes", () => {
            const result = project.pulumi("up", "--yes", "--expect-no-changes");

            assert.equal(result.code, 0, result.output);
        });

        it("program error fails up once", () => {
            assert.equal(project.pulumi("config", "set", "fail", "true").code, 0);
            const result = project.pulumi("up", "--yes", "--skip-preview");
            assert.equal(project.pulumi("config", "rm", "fail").code, 0);

            assert.notEqual(result.code, 0);
            // The progress line shows only the first line of the error; the summary shows it all.
            const mentions = result.output.match(/intentional failure requested/g) ?? [];
            assert.equal(mentions.length, 1, result.output);
            // The host bails after an error the runner reported, instead of adding its own.
            assert.doesNotMatch(result.output, /non-zero exit code/);
        });

        it("destroy removes the resource", () => {
            const result = project.pulumi("destroy", "--yes", "--skip-preview");
            const exported = JSON.parse(project.pulumi("stack", "export").stdout);

            assert.equal(result.code, 0, result.output);
            assert.deepEqual(exported.deployment.resources ?? [], []);
        });
    });
});
