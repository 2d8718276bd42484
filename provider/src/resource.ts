import * as pulumi from "@pulumi/pulumi";

import { COMPUTED_NAMES, INPUT_NAMES } from "./model";
import { keyVaultSecretProvider } from "./provider";

/** The arguments of a {@link KeyVaultSecret}. */
export interface KeyVaultSecretArgs {
    /**
     * URL of the vault, such as `https://myvault.vault.azure.net/`. Set exactly one of
     * `vaultUrl` and `vaultName`. Must use `https://`; `http://` is accepted only for loopback
     * hosts (127.0.0.0/8, ::1, localhost), such as a local emulator. Scheme and host case, a
     * default port and the trailing slash do not matter. Changing the vault replaces the secret.
     */
    vaultUrl?: pulumi.Input<string>;
    /**
     * Name of the vault (3-24 letters, digits and hyphens). The URL is
     * `https://{vaultName}.{suffix}/`, where the suffix follows the cloud:
     * `vault.azure.net` (public), `vault.usgovcloudapi.net` (usgovernment) or `vault.azure.cn`
     * (china), set by `azure-keyvault:environment` or derived from the authority host.
     * A `vaultName` and the equal `vaultUrl` name the same vault.
     */
    vaultName?: pulumi.Input<string>;
    /**
     * Name of the secret: 1-127 letters, digits and hyphens. Default: the resource name.
     * Key Vault compares names case-insensitively, so a change of case updates the secret in
     * place. Any other change replaces it, and the new secret is created before the old one is
     * deleted.
     */
    secretName?: pulumi.Input<string>;
    /**
     * Value of the secret, at most 25 KB (25,600 bytes of UTF-8). Always stored as a Pulumi
     * secret, in inputs and outputs, whether or not it was given as one. Compared exactly:
     * any change, even of whitespace, sets a new version.
     */
    value: pulumi.Input<string>;
    /** Content type, a hint for readers such as `text/plain`; at most 255 characters. */
    contentType?: pulumi.Input<string>;
    /** Tags: at most 15, each name and value at most 512 characters. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Whether the secret can be read. Default true. */
    enabled?: pulumi.Input<boolean>;
    /**
     * RFC 3339 date-time before which the secret cannot be read, such as
     * `2027-01-01T00:00:00Z`. Key Vault stores whole seconds, so a fraction is rejected.
     * Must not be after `expiresOn`.
     */
    notBefore?: pulumi.Input<string>;
    /** RFC 3339 date-time after which the secret cannot be read, in whole seconds. */
    expiresOn?: pulumi.Input<string>;
    /**
     * Whether creating a secret whose name a soft-deleted secret uses recovers that secret
     * and then sets the declared value as a new version. When false, the create fails and
     * its message names the `az keyvault secret recover` and `purge` commands. Default true.
     */
    recoverSoftDeleted?: pulumi.Input<boolean>;
    /**
     * Whether destroying the resource also purges the deleted secret, so the name is free at
     * once and nothing can be recovered. A vault with purge protection forbids the purge,
     * which is logged as a warning. Default false.
     */
    purgeOnDelete?: pulumi.Input<boolean>;
}

/**
 * {@link KeyVaultSecret} manages one Azure Key Vault secret through the Key Vault REST API
 * (`2025-07-01`), authenticating with the OAuth 2.0 client-credentials grant. See
 * `describeCredentialSources` for where credentials come from.
 *
 * The Pulumi ID is the versionless secret URI (`https://{vault}/secrets/{name}`). A dynamic
 * provider cannot change the ID in an update, and every value change creates a new version,
 * so a versioned ID would go stale. The versioned URI is the output `versionedId`.
 *
 * Needs the data-plane role Key Vault Secrets Officer (or the access policy secret
 * permissions get, list, set, delete, recover and purge). Destroying deletes the secret; on a
 * vault with soft delete it stays recoverable unless `purgeOnDelete` is set.
 */
export class KeyVaultSecret extends pulumi.dynamic.Resource {
    /** Secret name, as declared. */
    declare public readonly secretName: pulumi.Output<string>;
    /** Normalized vault URL, such as `https://myvault.vault.azure.net/`. */
    declare public readonly vaultUrl: pulumi.Output<string>;
    /** Vault name, as given or derived from a vault URL under a known suffix. */
    declare public readonly vaultName: pulumi.Output<string | undefined>;
    /** Secret value; always a Pulumi secret. */
    declare public readonly value: pulumi.Output<string>;
    /** Versioned secret URI: `https://{vault}/secrets/{name}/{version}`. */
    declare public readonly versionedId: pulumi.Output<string>;
    /** Versionless secret URI, equal to the Pulumi ID. */
    declare public readonly versionlessId: pulumi.Output<string>;
    /** Current version: 32 lowercase hexadecimal characters. */
    declare public readonly version: pulumi.Output<string>;
    /** Content type. */
    declare public readonly contentType: pulumi.Output<string | undefined>;
    /** Tags. */
    declare public readonly tags: pulumi.Output<Record<string, string> | undefined>;
    /** Whether the secret is enabled. */
    declare public readonly enabled: pulumi.Output<boolean>;
    /** Not-before date, RFC 3339 in UTC. */
    declare public readonly notBefore: pulumi.Output<string | undefined>;
    /** Expiry date, RFC 3339 in UTC. */
    declare public readonly expiresOn: pulumi.Output<string | undefined>;
    /** Creation date of the current version, RFC 3339 in UTC. */
    declare public readonly createdOn: pulumi.Output<string>;
    /** Last update date of the current version, RFC 3339 in UTC. */
    declare public readonly updatedOn: pulumi.Output<string>;
    /** Deletion recovery level of the vault, such as `Recoverable+Purgeable`. */
    declare public readonly recoveryLevel: pulumi.Output<string>;
    /** Days a deleted secret stays recoverable, when the vault reports it. */
    declare public readonly recoverableDays: pulumi.Output<number | undefined>;
    /** Whether `create` recovers a soft-deleted secret of the same name. */
    declare public readonly recoverSoftDeleted: pulumi.Output<boolean>;
    /** Whether `delete` purges the deleted secret. */
    declare public readonly purgeOnDelete: pulumi.Output<boolean>;

    /**
     * @param name - Resource name; also the secret name unless `args.secretName` is set.
     * @param args - The secret's vault, value and properties.
     * @param opts - Resource options; `additionalSecretOutputs: ["value"]` is always added.
     */
    constructor(name: string, args: KeyVaultSecretArgs, opts?: pulumi.CustomResourceOptions) {
        const props: Record<string, unknown> = {
            ...args,
            secretName: args.secretName ?? name,
            // Wrapping marks the stored input secret; additionalSecretOutputs marks the output.
            value: pulumi.secret(args.value),
        };
        // Every property gets an Output on the resource only if it is a key of `props`.
        for (const property of [...INPUT_NAMES, ...COMPUTED_NAMES]) {
            if (!(property in props)) {
                props[property] = undefined;
            }
        }
        const secretOptions: pulumi.CustomResourceOptions = { additionalSecretOutputs: ["value"] };
        super(
            keyVaultSecretProvider,
            name,
            props,
            pulumi.mergeOptions(opts, secretOptions),
            "azure-keyvault",
            "KeyVaultSecret",
        );
    }
}
