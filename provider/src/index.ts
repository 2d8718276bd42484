/**
 * `pulumi-azure-keyvault-secret`: a Pulumi dynamic resource that manages Azure Key Vault
 * secrets through the Key Vault REST API.
 */
export { KeyVaultSecret } from "./resource";
export type { KeyVaultSecretArgs } from "./resource";
export { keyVaultSecretProvider } from "./provider";
export { KeyVaultError, isKeyVaultError } from "./errors";
export type { KeyVaultErrorDetails } from "./errors";
export { describeCredentialSources, SETTING_SOURCES } from "./settings";
export type { SettingSources } from "./settings";
export type { SecretInputs, SecretOutputs } from "./model";
