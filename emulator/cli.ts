import { resolve } from "node:path";
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET, DEV_TENANT_ID, Emulator, startEmulator } from "./index";
import { VaultOptions } from "./types";

/** Settings of the command line emulator. */
export interface CliOptions {
  /** Port of the token endpoint and control API. Default 47900. */
  authorityPort: number;
  /** Vaults to serve. Default one vault "dev" on port 47901. */
  vaults: VaultOptions[];
  /** Data file that keeps secrets across restarts. Default ".emulator/vault-data.json". */
  dataFile: string;
}

export const CLI_DEFAULTS: CliOptions = {
  authorityPort: 47900,
  vaults: [{ name: "dev", port: 47901 }],
  dataFile: ".emulator/vault-data.json",
};

export const USAGE = `Usage: npm run emulator -- [options]

Runs a local Azure Key Vault emulator (secrets API and token endpoint) on 127.0.0.1.

Options:
  --port N               port of the token endpoint and control API (default 47900)
  --vault NAME[:PORT]    serve a vault named NAME on PORT; repeat for more vaults
                         (default dev:47901; PORT 0 or left out picks a free port)
  --data-file PATH       JSON file that keeps secrets across restarts
                         (default .emulator/vault-data.json)
  --help                 print this help and exit

Set KEYVAULT_EMULATOR_LOG=1 to print one line per request (never bodies).`;

function parsePort(text: string, option: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${option} needs a port number from 0 to 65535; got '${text}'.`);
  }
  return port;
}

function parseVault(text: string): VaultOptions {
  const [name, port, ...rest] = text.split(":");
  if (!name || rest.length > 0) {
    throw new Error(`--vault needs NAME or NAME:PORT; got '${text}'.`);
  }
  return port === undefined ? { name } : { name, port: parsePort(port, "--vault") };
}

/** Parses command line arguments; returns "help" for --help. Throws on invalid arguments. */
export function parseCliArgs(argv: string[]): CliOptions | "help" {
  const options: CliOptions = { ...CLI_DEFAULTS, vaults: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") {
      return "help";
    }
    const value = argv[i + 1];
    if (!["--port", "--vault", "--data-file"].includes(arg)) {
      throw new Error(`Unknown option '${arg}'. Run with --help to see the options.`);
    }
    if (value === undefined || value.startsWith("--")) {
      throw new Error(`${arg} needs a value. Run with --help to see the options.`);
    }
    i += 1;
    if (arg === "--port") options.authorityPort = parsePort(value, "--port");
    if (arg === "--vault") options.vaults.push(parseVault(value));
    if (arg === "--data-file") options.dataFile = value;
  }
  if (options.vaults.length === 0) {
    options.vaults = CLI_DEFAULTS.vaults;
  }
  return options;
}

/** Returns the text printed once the emulator listens. */
export function describeEmulator(emulator: Emulator, options: CliOptions): string {
  const rows: [string, string][] = [
    ...options.vaults.map((v): [string, string] => [`vault ${v.name}`, emulator.vaultUrl(v.name)]),
    ["authority host", emulator.authorityHost],
    ["tenant id", DEV_TENANT_ID],
    ["client id", DEV_CLIENT_ID],
    ["client secret", DEV_CLIENT_SECRET],
    ["data file", resolve(options.dataFile)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return [
    "Key Vault emulator is listening.",
    ...rows.map(([label, value]) => `  ${`${label}:`.padEnd(width)}${value}`),
    "The client secret is the emulator's fixed, public development credential. It is printed",
    "on purpose and unlocks nothing but this local emulator.",
    "Press Ctrl+C to stop (SIGINT and SIGTERM close the emulator cleanly).",
  ].join("\n");
}

/**
 * Starts the emulator with command line settings and prints its URLs and development
 * credentials. Demo scripts call this to run the emulator in their own process.
 */
export async function runEmulator(
  options: Partial<CliOptions> = {},
  print: (text: string) => void = console.log,
): Promise<Emulator> {
  const settings: CliOptions = { ...CLI_DEFAULTS, ...options };
  const emulator = await startEmulator({
    authorityPort: settings.authorityPort,
    vaults: settings.vaults,
    dataFile: settings.dataFile,
  });
  print(describeEmulator(emulator, settings));
  return emulator;
}

async function main(): Promise<void> {
  let options: CliOptions | "help";
  try {
    options = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  if (options === "help") {
    console.log(USAGE);
    return;
  }
  const emulator = await runEmulator(options);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`Received ${signal}; stopping the Key Vault emulator.`);
    emulator.close().then(
      () => process.exit(0),
      (error: Error) => {
        console.error(`Failed to stop the emulator cleanly: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(`The Key Vault emulator failed to start: ${error.message}`);
    process.exit(1);
  });
}
