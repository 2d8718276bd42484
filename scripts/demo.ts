// Runs the dev stack against the local Key Vault emulator: starts the emulator on its fixed
// ports, runs `pulumi up --yes`, prints the stack outputs (never the values) and the requests the
// emulator served, then stops the emulator. `npm start` calls this after the set-up steps.
import { spawn } from "node:child_process";
import * as path from "node:path";

import { startEmulator } from "../emulator";

const repoRoot = path.resolve(__dirname, "..");
const authorityPort = 47900;
const vaultPort = 47901;

// The emulator serves requests from this process, so `pulumi` must run without blocking the
// event loop: spawnSync would starve the emulator and every request would time out.
function pulumi(args: string[]): Promise<number> {
    return new Promise((resolve, reject) => {
        const child = spawn("pulumi", [...args, "--non-interactive"], {
            cwd: repoRoot,
            stdio: "inherit",
            env: process.env,
        });
        child.on("error", reject);
        child.on("close", (code) => resolve(code ?? 1));
    });
}

async function main(): Promise<number> {
    const emulator = await startEmulator({
        authorityPort,
        vaults: [{ name: "dev", port: vaultPort }],
        dataFile: path.join(repoRoot, ".emulator", "dev-vault.json"),
    });
    console.log(`Key Vault emulator: vault "dev" at ${emulator.vaultUrl("dev")}`);
    try {
        if ((await pulumi(["stack", "select", "dev", "--create"])) !== 0) {
            return 1;
        }
        const status = await pulumi(["up", "--yes", "--stack", "dev"]);
        if (status !== 0) {
            return status;
        }
        console.log("\nStack outputs (secret values are never printed):");
        await pulumi(["stack", "output", "--stack", "dev", "--json"]);
        printRequestCounts(emulator);
        return 0;
    } finally {
        await emulator.close();
    }
}

function printRequestCounts(emulator: Awaited<ReturnType<typeof startEmulator>>): void {
    const byRoute = new Map<string, number>();
    for (const request of emulator.requests()) {
        const key = `${request.vault === "login" ? "token" : request.vault}  ${request.route}`;
        byRoute.set(key, (byRoute.get(key) ?? 0) + 1);
    }
    console.log("\nRequests the emulator served during this run:");
    if (byRoute.size === 0) {
        console.log("  none");
    }
    for (const [key, count] of [...byRoute.entries()].sort()) {
        console.log(`  ${String(count).padStart(4)}  ${key}`);
    }
}

main().then(
    (code) => process.exit(code),
    (error: Error) => {
        console.error(`Demo failed: ${error.message}`);
        process.exit(1);
    },
);
