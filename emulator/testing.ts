import { DEV_CLIENT_ID, DEV_CLIENT_SECRET, DEV_TENANT_ID } from "./principals";

/** API version the test helpers send; the emulator accepts any well-formed version. */
export const TEST_API_VERSION = "2025-07-01";

export interface TokenRequestOptions {
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  scope?: string;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON body, or undefined for an empty body. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function toJsonResponse(response: Response): Promise<JsonResponse> {
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : undefined,
  };
}

/** Posts a client credentials token request; defaults are the development principal. */
export async function requestToken(
  authorityHost: string,
  options: TokenRequestOptions = {},
): Promise<JsonResponse> {
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: options.clientId ?? DEV_CLIENT_ID,
    client_secret: options.clientSecret ?? DEV_CLIENT_SECRET,
    scope: options.scope ?? "https://vault.azure.net/.default",
  });
  const tenantId = options.tenantId ?? DEV_TENANT_ID;
  const response = await fetch(`${authorityHost}/${tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
  });
  return toJsonResponse(response);
}

/** Returns an access token for a principal, or throws with the token endpoint's error. */
export async function fetchAccessToken(
  authorityHost: string,
  options: TokenRequestOptions = {},
): Promise<string> {
  const response = await requestToken(authorityHost, options);
  if (response.status !== 200) {
    throw new Error(`Token request failed with ${response.status}: ${response.body?.error}`);
  }
  return response.body.access_token as string;
}

/** A minimal REST client for the emulator's secrets API, for tests. */
export class VaultTestClient {
  constructor(
    readonly vaultUrl: string,
    public token: string | undefined,
    /** Sent as `api-version` unless null. */
    readonly apiVersion: string | null = TEST_API_VERSION,
  ) {}

  /** Sends a request to a path such as "secrets/a" (relative to the vault URL) or a full URL. */
  async send(method: string, path: string, body?: unknown): Promise<JsonResponse> {
    const url = new URL(path, this.vaultUrl);
    if (this.apiVersion !== null && !url.searchParams.has("api-version")) {
      url.searchParams.set("api-version", this.apiVersion);
    }
    const headers: Record<string, string> = {};
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const init = { method, headers, body: body === undefined ? undefined : JSON.stringify(body) };
    return toJsonResponse(await fetch(url, init));
  }

  set(name: string, body: Record<string, unknown>): Promise<JsonResponse> {
    return this.send("PUT", `secrets/${name}`, body);
  }

  get(name: string, version = ""): Promise<JsonResponse> {
    return this.send("GET", version ? `secrets/${name}/${version}` : `secrets/${name}`);
  }
}

/** Polls `check` until it returns true, or throws after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 3000,
  intervalMs = 5,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`The condition did not become true within ${timeoutMs} ms.`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
