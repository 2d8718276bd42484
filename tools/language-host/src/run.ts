import { ChildProcess, spawn } from "child_process";
import * as path from "path";

import { RunRequest, RunResponse } from "@pulumi/pulumi/proto/language_pb";

import { HostContext } from "./arguments";
import { readRuntimeOptions } from "./options";

/**
 * Exit code of `@pulumi/pulumi/cmd/run` after it has already reported the program's error to the
 * engine, so the host must not report it a second time (`nodeJSProcessExitedAfterLoggingUserActionableMessage`
 * in `@pulumi/pulumi/cmd/run/index.js`).
 */
const exitCodeAfterReportedError = 32;

const runningPrograms = new Set<ChildProcess>();

/**
 * Runs the program of `request` with `node @pulumi/pulumi/cmd/run` and waits for it to exit.
 *
 * The program's stdout and stderr go straight to the host's own, which the engine shows as
 * diagnostics. A failed program is reported in the response (`error` or `bail`), as the engine
 * expects, not as a gRPC error.
 */
export async function runProgram(request: RunRequest, context: HostContext): Promise<RunResponse> {
    const response = new RunResponse();
    const info = request.getInfo();
    const programDirectory = info?.getProgramDirectory() || request.getPwd();
    const workingDirectory = request.getPwd() || programDirectory;

    let runnerPath: string;
    try {
        runnerPath = require.resolve("@pulumi/pulumi/cmd/run", { paths: [programDirectory] });
    } catch {
        response.setError(
            `@pulumi/pulumi is not installed for the program in ${programDirectory}: ` +
                "run `npm install` (or `npm ci`) there first.",
        );
        return response;
    }

    const options = readRuntimeOptions(info?.getOptions()?.toJavaScript());
    const nodeArgs = [...options.nodeArgs, runnerPath, ...buildRunnerArguments(request, context)];
    const child = spawn(process.execPath, nodeArgs, {
        cwd: workingDirectory,
        env: buildProgramEnvironment(request, options.typescript, options.tsconfigPath),
        stdio: ["ignore", "inherit", "inherit"],
    });
    runningPrograms.add(child);

    const outcome = await waitForExit(child);
    runningPrograms.delete(child);

    if (outcome.spawnError) {
        response.setError(`failed to start ${process.execPath}: ${outcome.spawnError.message}`);
    } else if (outcome.signal) {
        response.setError(`Program exited unexpectedly: killed by signal ${outcome.signal}`);
    } else if (outcome.code === exitCodeAfterReportedError) {
        response.setBail(true);
    } else if (outcome.code !== 0) {
        response.setError(`Program exited with non-zero exit code: ${outcome.code}`);
    }
    return response;
}

/** Sends `signal` to every program this host is running. */
export function killRunningPrograms(signal: NodeJS.Signals): void {
    for (const child of runningPrograms) {
        child.kill(signal);
    }
}

/** Builds the command-line flags of `@pulumi/pulumi/cmd/run`, as listed in its usage text. */
function buildRunnerArguments(request: RunRequest, context: HostContext): string[] {
    const args: string[] = [];
    const addFlag = (name: string, value: string | undefined) => {
        if (value) {
            args.push(`--${name}=${value}`);
        }
    };

    const info = request.getInfo();
    addFlag("monitor", request.getMonitorAddress());
    addFlag("engine", context.engineAddress);
    addFlag("organization", request.getOrganization());
    addFlag("project", request.getProject());
    addFlag("root-directory", info?.getRootDirectory());
    addFlag("stack", request.getStack());
    addFlag("pwd", request.getPwd());
    if (request.getDryrun()) {
        args.push("--dry-run");
    }
    if (request.getParallel() > 1) {
        addFlag("parallel", String(request.getParallel()));
    }
    addFlag("tracing", context.tracingEndpoint);

    // The entry point is "." (the runner then reads `main` from package.json) or a file name
    // relative to the program directory.
    const entryPoint = info?.getEntryPoint() || request.getProgram() || ".";
    const programDirectory = info?.getProgramDirectory();
    if (entryPoint === "." || !programDirectory) {
        args.push(entryPoint);
    } else {
        args.push(path.resolve(programDirectory, entryPoint));
    }
    args.push(...request.getArgsList());
    return args;
}

/**
 * Builds the environment of the program: the host's own, plus the stack configuration in the
 * variables that `@pulumi/pulumi/runtime/config` reads.
 */
function buildProgramEnvironment(
    request: RunRequest,
    typescript: boolean,
    tsconfigPath: string | undefined,
): NodeJS.ProcessEnv {
    const config: Record<string, string> = {};
    for (const [key, value] of request.getConfigMap().entries()) {
        config[key] = value;
    }

    const env: NodeJS.ProcessEnv = {
        ...process.env,
        PULUMI_CONFIG: JSON.stringify(config),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(request.getConfigsecretkeysList()),
    };
    if (typescript) {
        env.PULUMI_NODEJS_TYPESCRIPT = "true";
    } else {
        delete env.PULUMI_NODEJS_TYPESCRIPT;
    }
    if (tsconfigPath) {
        env.PULUMI_NODEJS_TSCONFIG_PATH = tsconfigPath;
    }
    return env;
}

interface ExitOutcome {
    code: number | null;
    signal: NodeJS.Signals | null;
    spawnError?: Error;
}

function waitForExit(child: ChildProcess): Promise<ExitOutcome> {
    return new Promise((resolve) => {
        child.once("error", (err) => resolve({ code: null, signal: null, spawnError: err }));
        child.once("exit", (code, signal) => resolve({ code, signal }));
    });
}
