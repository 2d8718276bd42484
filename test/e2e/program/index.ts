import * as pulumi from "@pulumi/pulumi";
import { KeyVaultSecret } from "pulumi-azure-keyvault-secret";

/** One secret of the test program; `value` comes from the secret config map `values`. */
interface SecretSpec {
    name: string;
    contentType?: string;
    tags?: Record<string, string>;
    enabled?: boolean;
    notBefore?: string;
    expiresOn?: string;
    recoverSoftDeleted?: boolean;
    purgeOnDelete?: boolean;
}

const config = new pulumi.Config();
const vaultUrl = config.require("vaultUrl");
const specs = config.requireObject<SecretSpec[]>("secrets");
const values = config.requireSecretObject<Record<string, string>>("values");

const outputs: Record<string, pulumi.Output<string>> = {};
for (const spec of specs) {
    const secret = new KeyVaultSecret(spec.name, {
        vaultUrl,
        value: values.apply((all) => all[spec.name]),
        contentType: spec.contentType,
        tags: spec.tags,
        enabled: spec.enabled,
        notBefore: spec.notBefore,
        expiresOn: spec.expiresOn,
        recoverSoftDeleted: spec.recoverSoftDeleted,
        purgeOnDelete: spec.purgeOnDelete,
    });
    outputs[spec.name] = secret.version;
}

export const versions = outputs;
