import { StoredSecret, StoredVersion } from "./secretStore";
import { DeletedSecretBundle, SecretAttributes, SecretBundle } from "./types";

/** Vault settings that bundles are built from. */
export interface BundleContext {
  /** Vault URL without a trailing slash, e.g. "http://127.0.0.1:41235". */
  baseUrl: string;
  softDelete: boolean;
  purgeProtection: boolean;
  retentionDays: number;
}

/** Retention in days below which the service names the recovery level "Customized". */
const DEFAULT_RETENTION_DAYS = 90;

/**
 * Returns the `recoveryLevel` the real service reports for these vault settings. A retention
 * of 7 to 89 days adds the prefix "Customized", as in `CustomizedRecoverable+Purgeable`.
 */
export function recoveryLevel(context: BundleContext): string {
  if (!context.softDelete) {
    return "Purgeable";
  }
  const prefix = context.retentionDays < DEFAULT_RETENTION_DAYS ? "Customized" : "";
  return `${prefix}${context.purgeProtection ? "Recoverable" : "Recoverable+Purgeable"}`;
}

function attributesOf(version: StoredVersion, context: BundleContext): SecretAttributes {
  const attributes: SecretAttributes = { enabled: version.enabled };
  if (version.nbf !== undefined) attributes.nbf = version.nbf;
  if (version.exp !== undefined) attributes.exp = version.exp;
  attributes.created = version.created;
  attributes.updated = version.updated;
  attributes.recoveryLevel = recoveryLevel(context);
  if (context.softDelete) {
    attributes.recoverableDays = context.retentionDays;
  }
  return attributes;
}

/** Orders fields as the real service does: value, id, contentType, tags, attributes. */
function assemble(
  id: string,
  version: StoredVersion,
  context: BundleContext,
  includeValue: boolean,
): SecretBundle {
  const bundle: Partial<SecretBundle> = {};
  if (includeValue) bundle.value = version.value;
  bundle.id = id;
  if (version.contentType !== undefined) bundle.contentType = version.contentType;
  if (version.tags !== undefined) bundle.tags = { ...version.tags };
  bundle.attributes = attributesOf(version, context);
  return bundle as SecretBundle;
}

/** Builds a secret bundle; the value is included only when `includeValue` is set. */
export function secretBundle(
  secret: StoredSecret,
  version: StoredVersion,
  context: BundleContext,
  includeValue: boolean,
): SecretBundle {
  const id = `${context.baseUrl}/secrets/${secret.name}/${version.version}`;
  return assemble(id, version, context, includeValue);
}

/** Builds a list item: the id has no version when `withVersion` is false, and no value. */
export function secretItem(
  secret: StoredSecret,
  version: StoredVersion,
  context: BundleContext,
  withVersion: boolean,
): SecretBundle {
  const suffix = withVersion ? `/${version.version}` : "";
  return assemble(`${context.baseUrl}/secrets/${secret.name}${suffix}`, version, context, false);
}

/**
 * Builds the deleted bundle of a secret's latest version, without the value. A vault without
 * soft delete gets no recovery fields, so the Azure SDK's delete poller finishes at once.
 */
export function deletedBundle(secret: StoredSecret, context: BundleContext): DeletedSecretBundle {
  const latest = secret.versions[secret.versions.length - 1];
  const bundle: DeletedSecretBundle = secretBundle(secret, latest, context, false);
  if (!context.softDelete) {
    return bundle;
  }
  return {
    recoveryId: `${context.baseUrl}/deletedsecrets/${secret.name}`,
    deletedDate: secret.deletedDate,
    scheduledPurgeDate: secret.scheduledPurgeDate,
    ...bundle,
  };
}

/** Builds a deleted-secret list item: the deleted bundle with a versionless id. */
export function deletedItem(secret: StoredSecret, context: BundleContext): DeletedSecretBundle {
  const latest = secret.versions[secret.versions.length - 1];
  return {
    recoveryId: `${context.baseUrl}/deletedsecrets/${secret.name}`,
    deletedDate: secret.deletedDate,
    scheduledPurgeDate: secret.scheduledPurgeDate,
    ...secretItem(secret, latest, context, false),
  };
}
