import * as pulumi from "@pulumi/pulumi";
import { KeyVaultSecret } from "pulumi-azure-keyvault-secret";

// The dev stack points at the local Key Vault emulator (`npm start` runs it). Credentials come
// from the `azure-keyvault:*` stack settings, read by the provider at run time.
const config = new pulumi.Config();
const vaultUrl = config.require("vaultUrl");

const databasePassword = new KeyVaultSecret("db-password", {
    vaultUrl,
    value: config.requireSecret("dbPassword"),
    contentType: "text/plain",
    tags: { owner: "platform", system: "orders-db" },
});

const paymentsApiKey = new KeyVaultSecret("payments-api-key", {
    vaultUrl,
    secretName: "payments-api-key",
    value: config.requireSecret("paymentsApiKey"),
    contentType: "application/x-api-key",
    expiresOn: "2028-01-01T00:00:00Z",
});

const storageConnection = new KeyVaultSecret("storage-connection", {
    vaultUrl,
    secretName: "storage-connection-string",
    value: config.requireSecret("storageConnection"),
    tags: { owner: "data" },
    notBefore: "2026-01-01T00:00:00Z",
});

// Only outputs that every secret has: an optional output that a secret lacks would show as
// [unknown] in every preview.
function summarize(secret: KeyVaultSecret) {
    return {
        name: secret.secretName,
        version: secret.version,
        versionlessId: secret.versionlessId,
        updatedOn: secret.updatedOn,
    };
}

export const vault = vaultUrl;
export const secrets = {
    databasePassword: summarize(databasePassword),
    paymentsApiKey: summarize(paymentsApiKey),
    storageConnection: summarize(storageConnection),
};
