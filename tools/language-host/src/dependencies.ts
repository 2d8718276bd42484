import * as fs from "fs";
import * as path from "path";

/** A package the program depends on, with the version installed in node_modules. */
export interface InstalledDependency {
    name: string;
    version: string;
}

/**
 * Lists the program's dependencies with their installed versions.
 *
 * Without `transitive`, these are the `dependencies` and `devDependencies` of the program's
 * package.json. With it, every package directly under the nearest node_modules, which is the whole
 * tree for npm's flat layout. A package that is declared but not installed is skipped.
 */
export function listProgramDependencies(
    programDirectory: string,
    transitive: boolean,
): InstalledDependency[] {
    const nodeModules = findNodeModules(programDirectory);
    if (!nodeModules) {
        return [];
    }

    const names = transitive
        ? listInstalledPackages(nodeModules)
        : listDeclaredPackages(path.join(programDirectory, "package.json"));

    const dependencies: InstalledDependency[] = [];
    for (const name of names) {
        const version = readPackageVersion(path.join(nodeModules, name, "package.json"));
        if (version) {
            dependencies.push({ name, version });
        }
    }
    return dependencies;
}

function findNodeModules(startDirectory: string): string | undefined {
    let directory = path.resolve(startDirectory);
    for (;;) {
        const candidate = path.join(directory, "node_modules");
        if (fs.existsSync(candidate)) {
            return candidate;
        }
        const parent = path.dirname(directory);
        if (parent === directory) {
            return undefined;
        }
        directory = parent;
    }
}

function listDeclaredPackages(packageJsonPath: string): string[] {
    let manifest: { dependencies?: object; devDependencies?: object };
    try {
        manifest = JSON.parse(fs.readFileSync(packageJsonPath, "utf8"));
    } catch {
        return [];
    }
    return [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})];
}

function listInstalledPackages(nodeModules: string): string[] {
    const names: string[] = [];
    for (const entry of fs.readdirSync(nodeModules)) {
        if (entry.startsWith(".")) {
            continue;
        }
        if (entry.startsWith("@")) {
            for (const scoped of fs.readdirSync(path.join(nodeModules, entry))) {
                names.push(`${entry}/${scoped}`);
            }
        } else {
            names.push(entry);
        }
    }
    return names.sort();
}

function readPackageVersion(packageJsonPath: string): string | undefined {
    try {
        const manifest = JSON.parse(fs.readFileSync(packageJsonPath, "utf8"));
        return typeof manifest.version === "string" ? manifest.version : undefined;
    } catch {
        return undefined;
    }
}
