/** Route templates of the secrets data plane, as they appear in request records. */
export const ROUTES = {
  setSecret: "PUT /secrets/{name}",
  getSecret: "GET /secrets/{name}",
  getSecretVersion: "GET /secrets/{name}/{version}",
  updateSecret: "PATCH /secrets/{name}/{version}",
  deleteSecret: "DELETE /secrets/{name}",
  listSecrets: "GET /secrets",
  listVersions: "GET /secrets/{name}/versions",
  listDeleted: "GET /deletedsecrets",
  getDeleted: "GET /deletedsecrets/{name}",
  recoverDeleted: "POST /deletedsecrets/{name}/recover",
  purgeDeleted: "DELETE /deletedsecrets/{name}",
  token: "POST /{tenant}/oauth2/v2.0/token",
  unknown: "unknown",
} as const;

export type RouteTemplate = (typeof ROUTES)[keyof typeof ROUTES];

export interface MatchedRoute {
  route: RouteTemplate;
  name: string;
  /** Version segment; empty for "the latest version". */
  version: string;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Matches a vault request. A trailing slash is allowed, so "GET /secrets/a/" (which the Azure
 * SDK sends for the latest version) matches "GET /secrets/{name}" with an empty version.
 * Repeated slashes count as one, as some clients send "//secrets/...".
 */
export function matchVaultRoute(method: string, pathname: string): MatchedRoute {
  const raw = pathname
    .replace(/\/{2,}/g, "/")
    .split("/")
    .slice(1);
  const segments = raw.length > 1 && raw[raw.length - 1] === "" ? raw.slice(0, -1) : raw;
  const [collection, rawName, third, ...rest] = segments.map(decodeSegment);
  const name = rawName ?? "";
  const unknown: MatchedRoute = { route: ROUTES.unknown, name, version: "" };
  if (rest.length > 0 || (collection !== "secrets" && collection !== "deletedsecrets")) {
    return unknown;
  }
  const route =
    collection === "secrets"
      ? matchSecretsRoute(method, rawName, third)
      : matchDeletedRoute(method, rawName, third);
  if (route === undefined) {
    return unknown;
  }
  const version = route === ROUTES.getSecretVersion || route === ROUTES.updateSecret ? third : "";
  return { route, name, version: version ?? "" };
}

function matchSecretsRoute(
  method: string,
  name: string | undefined,
  third: string | undefined,
): RouteTemplate | undefined {
  if (name === undefined || name === "") {
    return method === "GET" && third === undefined ? ROUTES.listSecrets : undefined;
  }
  if (third === "versions" && method === "GET") {
    return ROUTES.listVersions;
  }
  const table: Record<string, RouteTemplate> =
    third === undefined
      ? {
          PUT: ROUTES.setSecret,
          GET: ROUTES.getSecret,
          DELETE: ROUTES.deleteSecret,
          PATCH: ROUTES.updateSecret,
        }
      : { GET: ROUTES.getSecretVersion, PATCH: ROUTES.updateSecret };
  return table[method];
}

function matchDeletedRoute(
  method: string,
  name: string | undefined,
  third: string | undefined,
): RouteTemplate | undefined {
  if (name === undefined || name === "") {
    return method === "GET" && third === undefined ? ROUTES.listDeleted : undefined;
  }
  if (third === "recover") {
    return method === "POST" ? ROUTES.recoverDeleted : undefined;
  }
  if (third !== undefined) {
    return undefined;
  }
  const table: Record<string, RouteTemplate> = {
    GET: ROUTES.getDeleted,
    DELETE: ROUTES.purgeDeleted,
  };
  return table[method];
}
