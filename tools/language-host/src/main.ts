#!/usr/bin/env node
/**
 * A minimal Pulumi language host for Node.js programs, for offline use.
 *
 * The Pulumi CLI starts `pulumi-language-nodejs` for every Node.js project. This project ships its
 * own because the official host is a Go module that the Go module proxy reachable offline does not
 * serve. It is a gRPC server for `pulumirpc.LanguageRuntime` that runs programs with the program
 * runner of `@pulumi/pulumi` (`@pulumi/pulumi/cmd/run`), the runner the official host uses too.
 * It covers what a program of dynamic resources needs, TypeScript included. Code generation,
 * templates, packing and linking return UNIMPLEMENTED.
 *
 * Usage, as the engine calls it: `pulumi-language-nodejs [--tracing URL] [-v=N] ENGINE_ADDRESS`.
 * Like every Pulumi plugin it prints the port it listens on, then serves until it is killed.
 */
import * as grpc from "@grpc/grpc-js";
import { LanguageRuntimeService } from "@pulumi/pulumi/proto/language_grpc_pb";

import { HostContext, parseHostArguments } from "./arguments";
import { killRunningPrograms } from "./run";
import { createLanguageRuntimeHandlers } from "./service";

/** Maximum gRPC message size in bytes; the same limit the Pulumi engine sets on its channels. */
const maxRpcMessageBytes = 400 * 1024 * 1024;

function main(): void {
    let context: HostContext;
    try {
        context = parseHostArguments(process.argv.slice(2));
    } catch (err) {
        process.stderr.write(`pulumi-language-nodejs: ${(err as Error).message}\n`);
        process.exit(2);
    }

    const server = new grpc.Server({
        "grpc.max_receive_message_length": maxRpcMessageBytes,
        "grpc.max_send_message_length": maxRpcMessageBytes,
    });
    server.addService(LanguageRuntimeService, createLanguageRuntimeHandlers(context));

    // Pulumi plugins listen on loopback only; the engine dials 127.0.0.1 with the printed port.
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
        if (err) {
            process.stderr.write(`pulumi-language-nodejs: failed to listen: ${err.message}\n`);
            process.exit(1);
        }
        process.stdout.write(`${port}\n`);
    });

    for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.on(signal, () => {
            killRunningPrograms(signal);
            server.forceShutdown();
            process.exit(0);
        });
    }
}

main();
