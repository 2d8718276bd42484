import { sendVaultRequest, VaultRequest } from "./client";
import {
    WireDeletedSecretBundle,
    WireSecretBundle,
    WireSecretListPage,
    WireSetSecretBody,
} from "./model";
import { ProviderSettings } from "./settings";
import { AccessKind, VaultRequestContext } from "./vault-errors";

/** The secret that a request is about, with the settings to reach it. */
export interface SecretTarget {
    /** Provider settings: credentials, cloud, retry bounds and timeouts. */
    settings: ProviderSettings;
    /** Normalized vault URL. */
    vaultUrl: string;
    /** Secret name. */
    secretName: string;
}

/** Most list pages followed for one secret, so a `nextLink` loop cannot run forever. */
const MAX_LIST_PAGES = 1000;

function send<T>(
    target: SecretTarget,
    operation: string,
    access: AccessKind,
    request: VaultRequest,
): Promise<T | undefined> {
    const context: VaultRequestContext = {
        vaultUrl: target.vaultUrl,
        secretName: target.secretName,
        operation,
        access,
        clientId: target.settings.credentials.clientId,
    };
    return sendVaultRequest<T>(target.settings, context, request).then((response) => response.body);
}

function secretPath(target: SecretTarget, ...rest: string[]): string {
    return ["/secrets", target.secretName, ...rest]
        .map((part, index) => (index === 0 ? part : encodeURIComponent(part)))
        .join("/");
}

function deletedSecretPath(target: SecretTarget, ...rest: string[]): string {
    return ["/deletedsecrets", encodeURIComponent(target.secretName), ...rest].join("/");
}

/** `PUT /secrets/{name}`: creates a new version with the value and the properties sent. */
export async function setSecret(target: SecretTarget, body: WireSetSecretBody) {
    const request: VaultRequest = { method: "PUT", path: secretPath(target), body };
    return (await send<WireSecretBundle>(target, "set", "write", request)) ?? {};
}

/** `GET /secrets/{name}`: the latest version, with its value. */
export async function getSecret(target: SecretTarget, retryAccessPending = true) {
    const request: VaultRequest = { method: "GET", path: secretPath(target), retryAccessPending };
    return (await send<WireSecretBundle>(target, "get", "read", request)) ?? {};
}

/** `PATCH /secrets/{name}/{version}`: changes the properties of one version. */
export async function updateSecretVersion(
    target: SecretTarget,
    version: string,
    body: Omit<WireSetSecretBody, "value">,
) {
    const request: VaultRequest = { method: "PATCH", path: secretPath(target, version), body };
    return (await send<WireSecretBundle>(target, "update", "write", request)) ?? {};
}

/** `DELETE /secrets/{name}`: deletes every version (a soft delete when the vault has it). */
export async function deleteSecret(target: SecretTarget) {
    const request: VaultRequest = { method: "DELETE", path: secretPath(target) };
    return (await send<WireDeletedSecretBundle>(target, "delete", "write", request)) ?? {};
}

/** `GET /deletedsecrets/{name}`. A 403 is not retried: polls read it as "cannot tell". */
export async function getDeletedSecret(target: SecretTarget) {
    const request: VaultRequest = {
        method: "GET",
        path: deletedSecretPath(target),
        retryAccessPending: false,
    };
    return (await send<WireDeletedSecretBundle>(target, "get deleted", "write", request)) ?? {};
}

/** `POST /deletedsecrets/{name}/recover`. */
export async function recoverDeletedSecret(target: SecretTarget) {
    const request: VaultRequest = { method: "POST", path: deletedSecretPath(target, "recover") };
    return (await send<WireSecretBundle>(target, "recover", "write", request)) ?? {};
}

/**
 * `DELETE /deletedsecrets/{name}`: purges a deleted secret for good. A 403 is not retried:
 * the secret is already deleted, so the caller reports it and moves on.
 */
export async function purgeDeletedSecret(target: SecretTarget): Promise<void> {
    const request: VaultRequest = {
        method: "DELETE",
        path: deletedSecretPath(target),
        retryAccessPending: false,
    };
    await send<unknown>(target, "purge", "write", request);
}

/** `GET /secrets/{name}/versions`, following `nextLink` through every page. */
export async function listSecretVersions(target: SecretTarget): Promise<WireSecretBundle[]> {
    const items: WireSecretBundle[] = [];
    let request: VaultRequest = {
        method: "GET",
        path: secretPath(target, "versions"),
        query: { maxresults: "25" },
    };
    for (let page = 0; page < MAX_LIST_PAGES; page += 1) {
        const body = await send<WireSecretListPage>(target, "list versions", "read", request);
        items.push(...(body?.value ?? []));
        // A page may be empty and still have a nextLink, so only a missing link ends the list.
        if (!body?.nextLink) {
            return items;
        }
        request = { method: "GET", url: body.nextLink };
    }
    return items;
}
