import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { StoredSecret } from "./secretStore";

/**
 * Contents of the data file: the secrets of each vault, including versions and deleted
 * secrets. Tokens, request counts, roles and faults are not stored.
 */
export interface DataFileContents {
  formatVersion: 1;
  vaults: Record<string, { secrets: StoredSecret[] }>;
}

export function emptyData(): DataFileContents {
  return { formatVersion: 1, vaults: {} };
}

/** Reads the data file; a missing file gives empty contents. Throws on unreadable contents. */
export function readDataFile(path: string): DataFileContents {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      return emptyData();
    }
    throw error;
  }
  let parsed: Partial<DataFileContents>;
  try {
    parsed = JSON.parse(text) as Partial<DataFileContents>;
  } catch (error) {
    throw new Error(
      `The emulator data file ${path} is not valid JSON (${(error as Error).message}). ` +
        "Fix or delete it, then start the emulator again.",
    );
  }
  if (parsed.formatVersion !== 1 || typeof parsed.vaults !== "object" || parsed.vaults === null) {
    throw new Error(
      `The emulator data file ${path} has an unknown format; expected formatVersion 1. ` +
        "Delete it to start with empty vaults.",
    );
  }
  return parsed as DataFileContents;
}

/**
 * Writes the data file synchronously: first to a temporary file in the same folder, flushed
 * to disk, then renamed over the old file, so a crash leaves either the old or the new file.
 */
export function writeDataFile(path: string, contents: DataFileContents): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  const descriptor = openSync(temporary, "w", 0o600);
  try {
    writeSync(descriptor, JSON.stringify(contents, null, 2));
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
  renameSync(temporary, path);
}
