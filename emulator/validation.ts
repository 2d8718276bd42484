import { badParameter } from "./errors";

/** Key Vault service limits for secrets. */
export const LIMITS = {
  nameMaxLength: 127,
  /** 25 KB, counted in UTF-8 bytes. */
  valueMaxBytes: 25 * 1024,
  contentTypeMaxLength: 255,
  maxTags: 15,
  tagNameMaxLength: 512,
  tagValueMaxLength: 512,
} as const;

const NAME_PATTERN = /^[0-9a-zA-Z-]+$/;

/** Throws 400 BadParameter unless the name has 1-127 characters of `0-9a-zA-Z-`. */
export function validateName(name: string): void {
  if (name.length === 0 || name.length > LIMITS.nameMaxLength || !NAME_PATTERN.test(name)) {
    throw badParameter(
      `The secret name '${name}' is invalid. A name must be 1-${LIMITS.nameMaxLength} ` +
        "characters long and contain only 0-9, a-z, A-Z and -.",
    );
  }
}

export function validateValue(value: unknown): string {
  if (typeof value !== "string") {
    throw badParameter("The property 'value' is required and must be a string.");
  }
  const bytes = Buffer.byteLength(value, "utf8");
  if (bytes > LIMITS.valueMaxBytes) {
    throw badParameter(
      `The secret value is ${bytes} bytes long; the maximum is ${LIMITS.valueMaxBytes} bytes.`,
    );
  }
  return value;
}

export function validateContentType(contentType: unknown): string | undefined {
  if (contentType === undefined || contentType === null) {
    return undefined;
  }
  if (typeof contentType !== "string") {
    throw badParameter("The property 'contentType' must be a string.");
  }
  if (contentType.length > LIMITS.contentTypeMaxLength) {
    throw badParameter(
      `The content type is ${contentType.length} characters long; the maximum is ` +
        `${LIMITS.contentTypeMaxLength}.`,
    );
  }
  return contentType;
}

export function validateTags(tags: unknown): Record<string, string> | undefined {
  if (tags === undefined || tags === null) {
    return undefined;
  }
  if (typeof tags !== "object" || Array.isArray(tags)) {
    throw badParameter("The property 'tags' must be an object of string values.");
  }
  const entries = Object.entries(tags as Record<string, unknown>);
  if (entries.length > LIMITS.maxTags) {
    throw badParameter(`${entries.length} tags were given; the maximum is ${LIMITS.maxTags}.`);
  }
  for (const [tagName, tagValue] of entries) {
    if (typeof tagValue !== "string") {
      throw badParameter(`The value of tag '${tagName}' must be a string.`);
    }
    if (tagName.length > LIMITS.tagNameMaxLength) {
      throw badParameter(`A tag name is longer than ${LIMITS.tagNameMaxLength} characters.`);
    }
    if (tagValue.length > LIMITS.tagValueMaxLength) {
      throw badParameter(
        `The value of tag '${tagName}' is longer than ${LIMITS.tagValueMaxLength} characters.`,
      );
    }
  }
  return { ...(tags as Record<string, string>) };
}

/** Attributes a client may send; `created`, `updated` and the recovery fields are read-only. */
export interface WritableAttributes {
  enabled?: boolean;
  nbf?: number;
  exp?: number;
}

export function validateAttributes(attributes: unknown): WritableAttributes {
  if (attributes === undefined || attributes === null) {
    return {};
  }
  if (typeof attributes !== "object" || Array.isArray(attributes)) {
    throw badParameter("The property 'attributes' must be an object.");
  }
  const input = attributes as Record<string, unknown>;
  const result: WritableAttributes = {};
  if (input.enabled !== undefined && input.enabled !== null) {
    if (typeof input.enabled !== "boolean") {
      throw badParameter("The attribute 'enabled' must be a boolean.");
    }
    result.enabled = input.enabled;
  }
  for (const key of ["nbf", "exp"] as const) {
    const seconds = input[key];
    if (seconds === undefined || seconds === null) {
      continue;
    }
    if (typeof seconds !== "number" || !Number.isInteger(seconds)) {
      throw badParameter(`The attribute '${key}' must be an integer number of seconds.`);
    }
    result[key] = seconds;
  }
  return result;
}

/** Parses a JSON request body into an object, or throws 400 BadParameter. */
export function parseJsonObject(body: string): Record<string, unknown> {
  if (body.trim() === "") {
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw badParameter("The request body is not valid JSON.");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw badParameter("The request body must be a JSON object.");
  }
  return parsed as Record<string, unknown>;
}
