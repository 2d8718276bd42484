import * as pulumi from "@pulumi/pulumi";
import { KeyVaultSecret } from "pulumi-azure-keyvault-secret";

/** One secret of the adversarial program; `value` comes from the secret config map `values`. */
interface Spec {
    name: string;
    vault: string;
    secretName?: string;
    /** Appends the output of the `echo` resource to the value, unknown while it changes. */
    fromEcho?: boolean;
    /** Takes `expiresOn` from the output of the `echo` resource. */
    expiresFromEcho?: boolean;
    contentType?: string;
    tags?: Record<string, string>;
    enabled?: boolean;
    notBefore?: string;
    expiresOn?: string;
    purgeOnDelete?: boolean;
}

const config = new pulumi.Config();
const vaults = config.requireObject<Record<string, string>>("vaults");
const specs = config.requireObject<Spec[]>("secrets");
const values = config.requireSecretObject<Record<string, string>>("values");

// A resource whose output is unknown during a preview that changes its input.
const echoProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs) {
        return { id: "echo", outs: { text: inputs.text, out: inputs.text } };
    },
    async diff(_id, olds, news) {
        return { changes: olds.text !== news.text };
    },
    async update(_id, _olds, news) {
        return { outs: { text: news.text, out: news.text } };
    },
};

class Echo extends pulumi.dynamic.Resource {
    declare public readonly out: pulumi.Output<string>;

    constructor(name: string, text: string) {
        super(echoProvider, name, { text, out: undefined }, {});
    }
}

const echo = new Echo("echo", config.get("seed") ?? "seed-0");

const outputs: Record<string, pulumi.Output<string>> = {};
for (const spec of specs) {
    const base = values.apply((all) => all[spec.name]);
    const value = spec.fromEcho ? pulumi.interpolate`${base}${echo.out}` : base;
    const secret = new KeyVaultSecret(spec.name, {
        vaultUrl: vaults[spec.vault],
        secretName: spec.secretName,
        value,
        contentType: spec.contentType,
        tags: spec.tags,
        enabled: spec.enabled,
        notBefore: spec.notBefore,
        expiresOn: spec.expiresFromEcho ? echo.out : spec.expiresOn,
        purgeOnDelete: spec.purgeOnDelete,
    });
    outputs[spec.name] = secret.version;
}

export const versions = outputs;
