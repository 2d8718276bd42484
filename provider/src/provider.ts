import * as pulumi from "@pulumi/pulumi";

import { checkSecretInputs } from "./check";
import { deleteSecretResource } from "./delete";
import { diffSecret, engineDiff } from "./diff";
import { createSecret, readSecret, updateSecret } from "./operations";
import { configureFromStack } from "./settings";

/**
 * The dynamic provider of {@link KeyVaultSecret}, one object shared by every resource because
 * Pulumi caches its serialization per object.
 *
 * Pulumi stores this object's serialized code in the stack state. Its methods only call
 * functions of this library's modules, which the closure serializer records as `require` calls
 * when the library is installed under `node_modules`, so the stored code stays small and
 * later library versions run for old states too. It captures no credential: settings come from
 * the `configure` hook and from `process.env` when a method runs.
 *
 * NOTE: stored states call `require("pulumi-azure-keyvault-secret/dist/{module}.js")` and the
 * functions named here, so later versions must keep these modules and their exports.
 */
export const keyVaultSecretProvider: pulumi.dynamic.ResourceProvider = {
    async configure(request) {
        configureFromStack(request.config);
    },
    async check(_olds, news) {
        return checkSecretInputs(news);
    },
    async diff(_id, olds, news) {
        return engineDiff(diffSecret(olds, news));
    },
    async create(inputs) {
        return createSecret(inputs);
    },
    async read(id, props) {
        return readSecret(id, props ?? {});
    },
    async update(_id, olds, news) {
        return updateSecret(olds, news);
    },
    async delete(_id, props) {
        await deleteSecretResource(props);
    },
};
