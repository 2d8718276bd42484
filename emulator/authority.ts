import { randomUUID } from "node:crypto";
import { Exchange } from "./exchange";
import { PrincipalRegistry } from "./principals";
import { ROUTES } from "./routes";
import { TokenRegistry } from "./tokens";

/** Audiences of the Key Vault data plane in the public, US government and China clouds. */
export const VAULT_AUDIENCES = [
  "https://vault.azure.net",
  "https://vault.usgovcloudapi.net",
  "https://vault.azure.cn",
];

const TOKEN_PATH = /^\/([^/]+)\/oauth2\/v2\.0\/token\/?$/;

/** Returns the route template of an authority request. */
export function authorityRoute(method: string, pathname: string): string {
  return method === "POST" && TOKEN_PATH.test(pathname) ? ROUTES.token : ROUTES.unknown;
}

/** A Microsoft Entra ID (AAD) error: HTTP status, OAuth error and AADSTS number. */
export interface AadError {
  status: number;
  error: string;
  code: number;
  description: string;
}

function formatTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")}Z`;
}

/** Sends an error in the body format of the Microsoft identity platform token endpoint. */
export function sendAadError(
  exchange: Exchange,
  authorityHost: string,
  failure: AadError,
  headers: Record<string, string> = {},
): void {
  const timestamp = formatTimestamp(exchange.at);
  const traceId = exchange.requestId;
  const correlationId = exchange.header("client-request-id") ?? randomUUID();
  const description =
    `AADSTS${failure.code}: ${failure.description}\r\nTrace ID: ${traceId}\r\n` +
    `Correlation ID: ${correlationId}\r\nTimestamp: ${timestamp}`;
  const body = {
    error: failure.error,
    error_description: description,
    error_codes: [failure.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `${authorityHost}/error?code=${failure.code}`,
  };
  exchange.send(failure.status, body, {
    ...headers,
    "x-ms-request-id": traceId,
    "client-request-id": correlationId,
  });
}

interface TokenRequest {
  tenantId: string;
  form: URLSearchParams;
}

/** Serves `POST /{tenant}/oauth2/v2.0/token` with the client credentials grant. */
export class TokenEndpoint {
  constructor(
    private readonly principals: PrincipalRegistry,
    private readonly tokens: TokenRegistry,
    private readonly authorityHost: () => string,
  ) {}

  async handle(exchange: Exchange): Promise<void> {
    const match = TOKEN_PATH.exec(exchange.url.pathname);
    if (exchange.route !== ROUTES.token || match === null) {
      sendAadError(exchange, this.authorityHost(), {
        status: 404,
        error: "invalid_request",
        code: 900561,
        description: `The endpoint ${exchange.method} ${exchange.url.pathname} does not exist.`,
      });
      return;
    }
    const request = {
      tenantId: decodeURIComponent(match[1]),
      form: new URLSearchParams(await exchange.readBody()),
    };
    const failure = this.validate(request);
    if (failure !== undefined) {
      sendAadError(exchange, this.authorityHost(), failure);
      return;
    }
    const clientId = request.form.get("client_id")!;
    const audience = audienceOf(request.form.get("scope")!)!;
    const token = this.tokens.issue(clientId, request.tenantId, audience);
    const body = {
      token_type: "Bearer",
      expires_in: this.tokens.lifetime,
      ext_expires_in: this.tokens.lifetime,
      access_token: token,
    };
    exchange.send(200, body, { "x-ms-request-id": exchange.requestId });
  }

  private validate(request: TokenRequest): AadError | undefined {
    const { tenantId, form } = request;
    if (!this.principals.hasTenant(tenantId)) {
      return tenantNotFound(tenantId);
    }
    const grantType = form.get("grant_type");
    if (grantType !== "client_credentials") {
      return unsupportedGrant(grantType);
    }
    const clientId = form.get("client_id");
    if (!clientId) {
      return missingParameter("client_id");
    }
    const principal = this.principals.find(clientId);
    if (principal === undefined || principal.tenantId !== tenantId) {
      return applicationNotFound(clientId, tenantId);
    }
    const clientSecret = form.get("client_secret");
    if (!clientSecret) {
      return missingCredential(form.has("client_assertion"));
    }
    if (clientSecret !== principal.clientSecret) {
      return invalidSecret(clientId);
    }
    return this.validateScope(form.get("scope"));
  }

  private validateScope(scope: string | null): AadError | undefined {
    if (!scope) {
      return missingParameter("scope");
    }
    if (audienceOf(scope) === undefined) {
      return {
        status: 400,
        error: "invalid_scope",
        code: 70011,
        description:
          `The provided value for the input parameter 'scope' is not valid. The scope ${scope} ` +
          `is not valid. The emulator issues tokens for ${VAULT_AUDIENCES.join(", ")} ` +
          "with the suffix /.default.",
      };
    }
    return undefined;
  }
}

/** Returns the vault audience of a scope such as "https://vault.azure.net/.default". */
function audienceOf(scope: string): string | undefined {
  const scopes = scope.trim().split(/\s+/);
  if (scopes.length !== 1 || !scopes[0].endsWith("/.default")) {
    return undefined;
  }
  const resource = scopes[0].slice(0, -"/.default".length).replace(/\/$/, "");
  return VAULT_AUDIENCES.includes(resource) ? resource : undefined;
}

function tenantNotFound(tenantId: string): AadError {
  return {
    status: 400,
    error: "invalid_tenant",
    code: 90002,
    description:
      `Tenant '${tenantId}' not found. Check to make sure you have the correct tenant ID and ` +
      "are signing into the correct cloud.",
  };
}

function unsupportedGrant(grantType: string | null): AadError {
  return {
    status: 400,
    error: "unsupported_grant_type",
    code: 70003,
    description: `The app requested an unsupported grant type '${grantType ?? ""}'.`,
  };
}

function missingParameter(name: string): AadError {
  return {
    status: 400,
    error: "invalid_request",
    code: 900144,
    description: `The request body must contain the following parameter: '${name}'.`,
  };
}

function applicationNotFound(clientId: string, tenantId: string): AadError {
  return {
    status: 400,
    error: "unauthorized_client",
    code: 700016,
    description:
      `Application with identifier '${clientId}' was not found in the directory '${tenantId}'. ` +
      "This can happen if the application has not been installed by the administrator of the " +
      "tenant or consented to by any user in the tenant. You may have sent your authentication " +
      "request to the wrong tenant.",
  };
}

function missingCredential(sentAssertion: boolean): AadError {
  const hint = sentAssertion ? " The emulator accepts client secrets only." : "";
  return {
    status: 401,
    error: "invalid_client",
    code: 7000216,
    description:
      "'client_assertion', 'client_secret' or 'request' is required for the " +
      `'client_credentials' grant type.${hint}`,
  };
}

function invalidSecret(clientId: string): AadError {
  return {
    status: 401,
    error: "invalid_client",
    code: 7000215,
    description:
      "Invalid client secret provided. Ensure the secret being sent in the request is the " +
      `client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
  };
}
