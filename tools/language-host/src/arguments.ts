/** Settings the engine passes to the language host on its command line. */
export interface HostContext {
    /** gRPC address of the Pulumi engine, passed on to programs for logging. */
    engineAddress: string;
    /** Zipkin-compatible tracing endpoint, if the engine has tracing enabled. */
    tracingEndpoint?: string;
}

/**
 * Parses `[--logtostderr] [-v=N] [--tracing URL] ENGINE_ADDRESS`.
 *
 * The engine puts its own logging and tracing flags before the engine address, which always comes
 * last. Flags other than `--tracing` are accepted and ignored, because this host has no log levels.
 */
export function parseHostArguments(args: string[]): HostContext {
    const positional: string[] = [];
    let tracingEndpoint: string | undefined;

    for (let i = 0; i < args.length; i++) {
        const arg = args[i];
        if (arg === "--tracing" || arg === "-tracing") {
            tracingEndpoint = args[i + 1];
            i++;
        } else if (arg.startsWith("--tracing=") || arg.startsWith("-tracing=")) {
            tracingEndpoint = arg.substring(arg.indexOf("=") + 1);
        } else if (!arg.startsWith("-")) {
            positional.push(arg);
        }
    }

    if (positional.length === 0) {
        throw new Error("missing required argument: the engine's gRPC address (host:port)");
    }
    return { engineAddress: positional[positional.length - 1], tracingEndpoint };
}
