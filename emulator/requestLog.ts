import { RequestFilter, RequestRecord } from "./types";

/**
 * Returns true when `route` is left out, equals the template or the path (with or without its
 * query string), or is a pattern that matches the template or the path.
 */
export function routeMatches(
  route: string | RegExp | undefined,
  template: string,
  path: string,
): boolean {
  if (route === undefined) {
    return true;
  }
  if (typeof route === "string") {
    return route === template || route === path || route === path.split("?")[0];
  }
  route.lastIndex = 0;
  if (route.test(template)) {
    return true;
  }
  route.lastIndex = 0;
  return route.test(path);
}

/**
 * The log of every request the listeners served, in arrival order. Per-request console output
 * is off unless the environment variable KEYVAULT_EMULATOR_LOG is "1"; it never shows bodies.
 */
export class RequestLog {
  private records: RequestRecord[] = [];
  private readonly echo = process.env.KEYVAULT_EMULATOR_LOG === "1";

  add(record: RequestRecord): void {
    this.records.push(record);
    if (this.echo) {
      const status = record.status === 0 ? "dropped" : String(record.status);
      const route = record.route === "unknown" ? `${record.method} (unknown route)` : record.route;
      console.error(`keyvault-emulator ${record.vault} ${route} ${status} ${record.requestId}`);
    }
  }

  all(): RequestRecord[] {
    return this.records.map((r) => ({ ...r, at: new Date(r.at.getTime()) }));
  }

  count(filter: RequestFilter = {}): number {
    return this.records.filter((r) => matchesFilter(r, filter)).length;
  }

  reset(): void {
    this.records = [];
  }
}

function matchesFilter(record: RequestRecord, filter: RequestFilter): boolean {
  if (filter.vault !== undefined && record.vault !== filter.vault) return false;
  if (filter.method !== undefined && record.method !== filter.method.toUpperCase()) return false;
  if (filter.status !== undefined && record.status !== filter.status) return false;
  return routeMatches(filter.route, record.route, record.path);
}
