/** RFC 3339 date-time: date, `T`, time with optional fraction, and `Z` or a numeric offset. */
const RFC3339 =
    /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/** A parsed date: whole seconds since the Unix epoch, or why the text is rejected. */
export type ParsedDate = { epochSeconds: number; problem?: undefined } | { problem: string };

/**
 * Parses an RFC 3339 date-time such as `2027-01-01T00:00:00Z` into whole seconds since the
 * Unix epoch. Key Vault stores whole seconds, so a non-zero fraction of a second is rejected
 * rather than silently dropped (a dropped fraction would show as drift on every refresh).
 */
export function parseRfc3339(text: string): ParsedDate {
    const match = RFC3339.exec(text);
    if (match === null) {
        return { problem: "it is not an RFC 3339 date-time such as 2027-01-01T00:00:00Z" };
    }
    const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
    const fraction = match[7];
    const utcMs = Date.UTC(year, month - 1, day, hour, minute, second);
    const check = new Date(utcMs);
    const valid =
        check.getUTCFullYear() === year &&
        check.getUTCMonth() === month - 1 &&
        check.getUTCDate() === day &&
        hour < 24 &&
        minute < 60 &&
        second < 60;
    if (!valid) {
        return { problem: "it names a day or time that does not exist" };
    }
    if (fraction !== undefined && Number(fraction) !== 0) {
        return {
            problem: "Key Vault stores whole seconds, so it must have no fraction of a second",
        };
    }
    let offsetMinutes = 0;
    if (match[9] !== undefined) {
        const offsetHourField = Number(match[10]);
        const offsetMinuteField = Number(match[11]);
        if (offsetHourField > 23 || offsetMinuteField > 59) {
            return { problem: "its time offset must be from -23:59 to +23:59" };
        }
        const sign = match[9] === "-" ? -1 : 1;
        offsetMinutes = sign * (offsetHourField * 60 + offsetMinuteField);
    }
    return { epochSeconds: utcMs / 1000 - offsetMinutes * 60 };
}

/** Formats seconds since the Unix epoch as RFC 3339 in UTC without fraction: `…T00:00:00Z`. */
export function formatEpochSeconds(epochSeconds: number): string {
    return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Returns the canonical form of an RFC 3339 date-time, or the text unchanged if invalid. */
export function canonicalDate(text: string): string {
    const parsed = parseRfc3339(text);
    return parsed.problem === undefined ? formatEpochSeconds(parsed.epochSeconds) : text;
}
