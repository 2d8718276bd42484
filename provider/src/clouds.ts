import { isLoopbackHost } from "./urls";

/** Names of the supported Azure clouds, spelled as `azure-native:environment` spells them. */
export type AzureCloudName = "public" | "usgovernment" | "china";

/** Endpoints of one Azure cloud. */
export interface AzureCloud {
    /** The cloud name. */
    name: AzureCloudName;
    /** The Microsoft Entra ID authority host, with scheme and no trailing slash. */
    authorityHost: string;
    /** The DNS suffix of vault hosts, such as `vault.azure.net`. */
    vaultDnsSuffix: string;
}

/** The public, US Government and China clouds by name. */
export const AZURE_CLOUDS: Readonly<Record<AzureCloudName, AzureCloud>> = {
    public: {
        name: "public",
        authorityHost: "https://login.microsoftonline.com",
        vaultDnsSuffix: "vault.azure.net",
    },
    usgovernment: {
        name: "usgovernment",
        authorityHost: "https://login.microsoftonline.us",
        vaultDnsSuffix: "vault.usgovcloudapi.net",
    },
    china: {
        name: "china",
        authorityHost: "https://login.chinacloudapi.cn",
        vaultDnsSuffix: "vault.azure.cn",
    },
};

/** Returns the cloud named `name` (case-insensitive), or undefined for an unknown name. */
export function cloudByName(name: string): AzureCloud | undefined {
    const key = name.trim().toLowerCase();
    const aliases: Record<string, AzureCloudName> = {
        public: "public",
        azurecloud: "public",
        usgovernment: "usgovernment",
        azureusgovernment: "usgovernment",
        china: "china",
        azurechinacloud: "china",
    };
    const cloudName = aliases[key];
    return cloudName === undefined ? undefined : AZURE_CLOUDS[cloudName];
}

/** Returns the cloud whose authority host is `authorityHost`, or undefined for other hosts. */
export function cloudByAuthorityHost(authorityHost: string): AzureCloud | undefined {
    let host: string;
    try {
        host = new URL(authorityHost).host.toLowerCase();
    } catch {
        return undefined;
    }
    return Object.values(AZURE_CLOUDS).find((cloud) => new URL(cloud.authorityHost).host === host);
}

/**
 * Returns the OAuth scope for requests to `vaultUrl`: `https://{suffix}/.default` for a host
 * under a known vault suffix, `https://vault.azure.net/.default` for a loopback host (a local
 * emulator), and the scope of `fallbackCloud` for any other host (a custom DNS name).
 */
export function scopeForVault(vaultUrl: string, fallbackCloud: AzureCloud): string {
    const host = new URL(vaultUrl).hostname.toLowerCase();
    if (isLoopbackHost(host)) {
        return `https://${AZURE_CLOUDS.public.vaultDnsSuffix}/.default`;
    }
    const cloud = Object.values(AZURE_CLOUDS).find((candidate) =>
        host.endsWith(`.${candidate.vaultDnsSuffix}`),
    );
    return `https://${(cloud ?? fallbackCloud).vaultDnsSuffix}/.default`;
}

/** Returns the URL of the vault named `vaultName` in `cloud`, with a trailing slash. */
export function vaultUrlFromName(vaultName: string, cloud: AzureCloud): string {
    return `https://${vaultName.toLowerCase()}.${cloud.vaultDnsSuffix}/`;
}

/** Returns the vault name of a URL under a known vault suffix, or undefined for other hosts. */
export function vaultNameFromUrl(vaultUrl: string): string | undefined {
    const host = new URL(vaultUrl).hostname.toLowerCase();
    for (const cloud of Object.values(AZURE_CLOUDS)) {
        const suffix = `.${cloud.vaultDnsSuffix}`;
        if (host.endsWith(suffix) && !host.slice(0, -suffix.length).includes(".")) {
            return host.slice(0, -suffix.length);
        }
    }
    return undefined;
}

/**
 * Returns why `vaultName` is not a valid vault name, or undefined when it is: 3-24 characters
 * of letters, digits and hyphens, starting with a letter, ending with a letter or digit, and
 * without two hyphens in a row.
 */
export function invalidVaultNameReason(vaultName: string): string | undefined {
    if (!/^[A-Za-z0-9-]{3,24}$/.test(vaultName)) {
        return "it must be 3-24 characters of letters, digits and hyphens";
    }
    if (!/^[A-Za-z]/.test(vaultName) || !/[A-Za-z0-9]$/.test(vaultName)) {
        return "it must start with a letter and end with a letter or digit";
    }
    if (vaultName.includes("--")) {
        return "it must not contain two hyphens in a row";
    }
    return undefined;
}
