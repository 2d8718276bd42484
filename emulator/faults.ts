import { routeMatches } from "./requestLog";
import { FaultRule } from "./types";

/** Request fields that fault rules match on. */
export interface FaultTarget {
  vault: string;
  method: string;
  route: string;
  path: string;
}

/** Fault rules in the order they were added. The first matching rule applies. */
export class FaultList {
  private rules: { rule: FaultRule; remaining: number }[] = [];

  add(rule: FaultRule): void {
    const times = rule.times ?? Infinity;
    if (!(times > 0)) {
      throw new Error(`A fault rule needs 'times' above 0; got ${String(rule.times)}.`);
    }
    this.rules.push({ rule: { ...rule }, remaining: times });
  }

  clear(): void {
    this.rules = [];
  }

  /** Returns the first matching rule and counts it down, removing it when it is used up. */
  take(target: FaultTarget): FaultRule | undefined {
    const index = this.rules.findIndex(({ rule }) => matches(rule, target));
    if (index < 0) {
      return undefined;
    }
    const entry = this.rules[index];
    entry.remaining -= 1;
    if (entry.remaining <= 0) {
      this.rules.splice(index, 1);
    }
    return entry.rule;
  }
}

function matches(rule: FaultRule, target: FaultTarget): boolean {
  if (rule.vault !== undefined && rule.vault !== target.vault) return false;
  if (rule.method !== undefined && rule.method.toUpperCase() !== target.method) return false;
  return routeMatches(rule.route, target.route, target.path);
}
