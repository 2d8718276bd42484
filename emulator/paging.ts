import { badParameter } from "./errors";

/** Page size limits of Key Vault list operations. */
export const MAX_RESULTS_LIMIT = 25;

export interface PageRequest {
  /** Requested page size, or undefined for the default of 25. */
  maxResults?: number;
  /** Key of the last entry scanned by the previous page. */
  marker?: string;
}

export interface Page<T> {
  value: T[];
  nextLink: string | null;
}

/** Reads `maxresults` and `$skiptoken` from a list request, or throws 400 BadParameter. */
export function parsePageRequest(query: URLSearchParams): PageRequest {
  const request: PageRequest = {};
  const maxResults = query.get("maxresults");
  if (maxResults !== null) {
    const parsed = Number(maxResults);
    if (!Number.isInteger(parsed) || parsed < 1 || parsed > MAX_RESULTS_LIMIT) {
      throw badParameter(
        `The value '${maxResults}' of the parameter 'maxresults' is invalid. It must be an ` +
          `integer from 1 to ${MAX_RESULTS_LIMIT}.`,
      );
    }
    request.maxResults = parsed;
  }
  const skipToken = query.get("$skiptoken");
  if (skipToken !== null) {
    request.marker = decodeSkipToken(skipToken);
  }
  return request;
}

function decodeSkipToken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as unknown;
    const marker = (parsed as { NextMarker?: unknown }).NextMarker;
    if (typeof marker === "string") {
      return marker;
    }
  } catch {
    // Falls through to the error below.
  }
  throw badParameter("The value of the parameter '$skiptoken' is invalid.");
}

function encodeSkipToken(marker: string): string {
  return Buffer.from(JSON.stringify({ NextMarker: marker }), "utf8").toString("base64url");
}

/**
 * Builds one page the way the real service does: it scans a window of `maxResults` entries
 * after the marker and returns those that `toItem` keeps. A window of only hidden entries
 * (for example deleted secrets in a list of secrets) gives an empty page that still has a
 * `nextLink`. `listUrl` comes from {@link listUrlOf}.
 */
export function buildPage<T, I>(
  entries: T[],
  keyOf: (entry: T) => string,
  toItem: (entry: T) => I | undefined,
  request: PageRequest,
  listUrl: string,
): Page<I> {
  const size = request.maxResults ?? MAX_RESULTS_LIMIT;
  const start =
    request.marker === undefined ? 0 : entries.findIndex((e) => keyOf(e) > request.marker!);
  const window = start < 0 ? [] : entries.slice(start, start + size);
  const value: I[] = [];
  for (const entry of window) {
    const item = toItem(entry);
    if (item !== undefined) {
      value.push(item);
    }
  }
  const hasMore = start >= 0 && start + size < entries.length;
  if (!hasMore) {
    return { value, nextLink: null };
  }
  const token = encodeSkipToken(keyOf(window[window.length - 1]));
  const sizeParam = request.maxResults === undefined ? "" : `&maxresults=${request.maxResults}`;
  return { value, nextLink: `${listUrl}&$skiptoken=${token}${sizeParam}` };
}

/**
 * Returns the URL a `nextLink` starts from: the list path with its `api-version`. The host
 * always names its port, even the scheme's default, like the ":443" in real links.
 */
export function listUrlOf(baseUrl: string, pathname: string, apiVersion: string): string {
  const url = new URL(baseUrl);
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  const version = encodeURIComponent(apiVersion);
  return `${url.protocol}//${url.hostname}:${port}${pathname}?api-version=${version}`;
}
