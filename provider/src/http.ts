import { KeyVaultError } from "./errors";
import { system } from "./state";
import { insecureUrlReason } from "./urls";

/**
 * Sends one HTTP request with the library's `fetch` and a per-attempt timeout.
 *
 * Redirects are not followed, so a credential never travels to a host other than the one
 * checked by {@link assertCredentialSafeUrl}; a 3xx response reaches the caller as an error.
 */
export function sendOnce(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
    return system().fetch(url, {
        ...init,
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
    });
}

/**
 * Throws unless `url` may carry a bearer token or client secret: `https:` anywhere, `http:`
 * only on a loopback host. Throws a {@link KeyVaultError} with code `InsecureUrl` whose message
 * names the URL's purpose, `describe`.
 */
export function assertCredentialSafeUrl(url: URL, describe: string): void {
    const reason = insecureUrlReason(url);
    if (reason !== undefined) {
        throw new KeyVaultError(
            `Refusing to send credentials to the ${describe} because ${reason}.`,
            { code: "InsecureUrl" },
        );
    }
}

/** Discards a response body that will not be read, so the connection can be reused. */
export async function discardBody(response: Response): Promise<void> {
    try {
        await response.body?.cancel();
    } catch {
        // The body is unused; a failure to cancel it changes nothing.
    }
}
