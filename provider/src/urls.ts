/**
 * Returns whether `hostname` (as `URL.hostname` gives it) is a loopback host: `localhost`,
 * an IPv4 address in 127.0.0.0/8, or `[::1]`.
 */
export function isLoopbackHost(hostname: string): boolean {
    const host = hostname.toLowerCase();
    if (host === "localhost" || host === "[::1]" || host === "::1") {
        return true;
    }
    const octets = host.split(".");
    if (octets.length !== 4 || octets[0] !== "127") {
        return false;
    }
    return octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255);
}

/**
 * Returns why `url` must not carry a bearer token or a client secret, or undefined when it
 * may: `https:` is allowed everywhere, `http:` only on a loopback host.
 */
export function insecureUrlReason(url: URL): string | undefined {
    if (url.protocol === "https:") {
        return undefined;
    }
    if (url.protocol === "http:" && isLoopbackHost(url.hostname)) {
        return undefined;
    }
    if (url.protocol === "http:") {
        return (
            `it uses http:// on the non-loopback host ${url.hostname}, and credentials are sent ` +
            "only over https:// (http:// is allowed for 127.0.0.0/8, ::1 and localhost)"
        );
    }
    return `it uses the unsupported scheme ${url.protocol.replace(/:$/, "")}; use https://`;
}

/**
 * Parses and normalizes a vault URL: lowercase scheme and host, no default port, path `/`.
 * Throws an `Error` whose message names the problem. The caller adds the property name.
 */
export function normalizeVaultUrl(text: string): string {
    let url: URL;
    try {
        url = new URL(text);
    } catch {
        throw new Error(`it is not an absolute URL such as https://myvault.vault.azure.net/`);
    }
    const reason = insecureUrlReason(url);
    if (reason !== undefined) {
        throw new Error(reason);
    }
    if (url.username !== "" || url.password !== "") {
        throw new Error("it must not contain a user name or password");
    }
    if (url.search !== "" || url.hash !== "") {
        throw new Error("it must not contain a query or fragment");
    }
    if (url.pathname !== "/" && url.pathname !== "") {
        throw new Error(`it must have no path; use ${url.protocol}//${url.host}/`);
    }
    // URL lowercases the scheme and host and drops the scheme's default port.
    return `${url.protocol}//${url.host}/`;
}

/**
 * Returns whether two normalized or raw vault URLs name the same vault.
 *
 * TODO: two host names of one vault (a custom DNS name, `localhost` and `127.0.0.1`) compare as
 * different vaults. Switching between them replaces the resource, and the delete of the old one
 * then removes the secret that the create had just written.
 */
export function sameVault(left: string, right: string): boolean {
    try {
        return normalizeVaultUrl(left) === normalizeVaultUrl(right);
    } catch {
        return left === right;
    }
}

/** Returns whether `candidate` has the same scheme, host and port as `base`. */
export function sameOrigin(candidate: URL, base: URL): boolean {
    return candidate.origin === base.origin;
}
