import * as grpc from "@grpc/grpc-js";
import * as languagePb from "@pulumi/pulumi/proto/language_pb";
import { ILanguageRuntimeServer } from "@pulumi/pulumi/proto/language_grpc_pb";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";

import { HostContext } from "./arguments";
import { listProgramDependencies } from "./dependencies";
import { runProgram } from "./run";

/** The `@pulumi/pulumi` release this host runs programs with, reported as the plugin version. */
const sdkVersion: string = require("@pulumi/pulumi/package.json").version;

/** Handlers of the methods this host implements. */
type ImplementedMethods = Pick<
    ILanguageRuntimeServer,
    | "handshake"
    | "getPluginInfo"
    | "getRequiredPlugins"
    | "getRequiredPackages"
    | "run"
    | "installDependencies"
    | "about"
    | "getProgramDependencies"
>;

/**
 * Creates the handlers of `pulumirpc.LanguageRuntime`.
 *
 * grpc-js responds with UNIMPLEMENTED to every method without a handler: RuntimeOptionsPrompts,
 * Template, RunPlugin, the Generate* methods, Pack, Link and Cancel. The engine accepts that for
 * Cancel and then stops the host by killing it.
 */
export function createLanguageRuntimeHandlers(
    context: HostContext,
): ImplementedMethods & grpc.UntypedServiceImplementation {
    return {
        handshake(call, callback) {
            const engineAddress = call.request.getEngineAddress();
            if (engineAddress) {
                context.engineAddress = engineAddress;
            }
            callback(null, new languagePb.LanguageHandshakeResponse());
        },

        getPluginInfo(_call, callback) {
            callback(null, new PluginInfo().setVersion(sdkVersion));
        },

        // Programs made only of dynamic resources need no resource plugin besides
        // `pulumi-resource-pulumi-nodejs`, which the engine looks up by itself, beside the `pulumi`
        // executable or on PATH. Listing none also keeps the engine from downloading plugins.
        getRequiredPlugins(_call, callback) {
            callback(null, new languagePb.GetRequiredPluginsResponse());
        },

        getRequiredPackages(_call, callback) {
            callback(null, new languagePb.GetRequiredPackagesResponse());
        },

        run(call, callback) {
            runProgram(call.request, context).then(
                (response) => callback(null, response),
                (err: Error) => callback({ code: grpc.status.INTERNAL, details: err.message }),
            );
        },

        installDependencies(call) {
            const directory = call.request.getDirectory() || call.request.getInfo()?.getProgramDirectory();
            const message =
                "Skipping dependency installation: this offline language host does not run a " +
                `package manager. Run \`npm ci\` in ${directory} yourself.\n`;
            call.write(new languagePb.InstallDependenciesResponse().setStdout(Buffer.from(message)));
            call.end();
        },

        about(_call, callback) {
            const response = new languagePb.AboutResponse()
                .setExecutable(process.execPath)
                .setVersion(process.versions.node);
            callback(null, response);
        },

        getProgramDependencies(call, callback) {
            const directory = call.request.getInfo()?.getProgramDirectory() || call.request.getPwd();
            try {
                const dependencies = listProgramDependencies(
                    directory,
                    call.request.getTransitivedependencies(),
                );
                const response = new languagePb.GetProgramDependenciesResponse();
                for (const dependency of dependencies) {
                    const info = new languagePb.DependencyInfo()
                        .setName(dependency.name)
                        .setVersion(dependency.version);
                    response.addDependencies(info);
                }
                callback(null, response);
            } catch (err) {
                const details = `failed to list dependencies in ${directory}: ${(err as Error).message}`;
                callback({ code: grpc.status.INTERNAL, details });
            }
        },
    };
}
