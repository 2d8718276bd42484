/** Runtime options of a Node.js project, from `runtime.options` in Pulumi.yaml. */
export interface RuntimeOptions {
    /** Whether the runner loads ts-node for `.ts` programs; Pulumi's default is true. */
    typescript: boolean;
    /** tsconfig file for ts-node, relative to the program directory. */
    tsconfigPath?: string;
    /** Extra arguments for `node`, from the space-separated `nodeargs` option. */
    nodeArgs: string[];
}

/** Reads the options this host supports; `packagemanager` is ignored, as nothing is installed. */
export function readRuntimeOptions(options: Record<string, unknown> | undefined): RuntimeOptions {
    const typescriptOption = options?.typescript;
    const tsconfigOption = options?.tsconfig;
    const nodeArgsOption = options?.nodeargs;

    return {
        typescript: typescriptOption === undefined ? true : typescriptOption !== false,
        tsconfigPath: typeof tsconfigOption === "string" && tsconfigOption ? tsconfigOption : undefined,
        nodeArgs:
            typeof nodeArgsOption === "string" ? nodeArgsOption.split(/\s+/).filter((a) => a) : [],
    };
}
