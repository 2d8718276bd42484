import { BundleContext, deletedBundle, deletedItem, secretBundle, secretItem } from "./bundles";
import { secretDisabled } from "./errors";
import { buildPage, listUrlOf, parsePageRequest } from "./paging";
import { ROUTES, RouteTemplate } from "./routes";
import { SecretStore, StoredSecret, StoredVersion, VersionInput } from "./secretStore";
import {
  parseJsonObject,
  validateAttributes,
  validateContentType,
  validateName,
  validateTags,
  validateValue,
} from "./validation";

/** Everything one secrets operation needs from the request and its vault. */
export interface OperationRequest {
  store: SecretStore;
  context: BundleContext;
  name: string;
  version: string;
  pathname: string;
  query: URLSearchParams;
  apiVersion: string;
  readBody(): Promise<string>;
}

export interface OperationResult {
  status: number;
  body?: object;
}

type Operation = (request: OperationRequest) => Promise<OperationResult> | OperationResult;

function ok(body: object): OperationResult {
  return { status: 200, body };
}

async function readVersionInput(request: OperationRequest): Promise<{
  body: Record<string, unknown>;
  input: VersionInput;
}> {
  const body = parseJsonObject(await request.readBody());
  const input: VersionInput = {
    ...validateAttributes(body.attributes),
    contentType: validateContentType(body.contentType),
    tags: validateTags(body.tags),
  };
  return { body, input };
}

async function setSecret(request: OperationRequest): Promise<OperationResult> {
  const { body, input } = await readVersionInput(request);
  const value = validateValue(body.value);
  const version = request.store.set(request.name, value, input);
  const secret = request.store.requireActive(request.name);
  return ok(secretBundle(secret, version, request.context, true));
}

/**
 * Returns a version with its value. A disabled version is refused with 403 SecretDisabled.
 * Versions outside their nbf/exp window are still returned: the real service does not enforce
 * those dates on get.
 */
function getSecret(request: OperationRequest): OperationResult {
  const version = request.store.requireVersion(request.name, request.version);
  if (!version.enabled) {
    throw secretDisabled();
  }
  const secret = request.store.requireActive(request.name);
  return ok(secretBundle(secret, version, request.context, true));
}

async function updateSecret(request: OperationRequest): Promise<OperationResult> {
  request.store.requireVersion(request.name, request.version);
  const { input } = await readVersionInput(request);
  const version = request.store.update(request.name, request.version, input);
  const secret = request.store.requireActive(request.name);
  return ok(secretBundle(secret, version, request.context, false));
}

function deleteSecret(request: OperationRequest): OperationResult {
  const secret = request.store.delete(request.name);
  return ok(deletedBundle(secret, request.context));
}

function listSecrets(request: OperationRequest): OperationResult {
  const toItem = (secret: StoredSecret) =>
    secret.state === "active"
      ? secretItem(secret, secret.versions[secret.versions.length - 1], request.context, false)
      : undefined;
  return listPage(request, request.store.all(), (s) => s.name.toLowerCase(), toItem);
}

/** Lists the versions of a secret, oldest first. A missing secret gives an empty list. */
function listVersions(request: OperationRequest): OperationResult {
  const secret = request.store.find(request.name);
  const versions = secret?.state === "active" ? secret.versions.map((v, i) => ({ v, i })) : [];
  const keyOf = (entry: { i: number }) => String(entry.i).padStart(8, "0");
  const toItem = (entry: { v: StoredVersion }) =>
    secretItem(secret!, entry.v, request.context, true);
  return listPage(request, versions, keyOf, toItem);
}

function listDeleted(request: OperationRequest): OperationResult {
  const toItem = (secret: StoredSecret) =>
    secret.state === "deleted" || secret.state === "purging"
      ? deletedItem(secret, request.context)
      : undefined;
  return listPage(request, request.store.all(), (s) => s.name.toLowerCase(), toItem);
}

function listPage<T, I>(
  request: OperationRequest,
  entries: T[],
  keyOf: (entry: T) => string,
  toItem: (entry: T) => I | undefined,
): OperationResult {
  const pageRequest = parsePageRequest(request.query);
  const listUrl = listUrlOf(request.context.baseUrl, request.pathname, request.apiVersion);
  return ok(buildPage(entries, keyOf, toItem, pageRequest, listUrl));
}

function getDeleted(request: OperationRequest): OperationResult {
  const secret = request.store.requireDeleted(request.name);
  return ok(deletedBundle(secret, request.context));
}

function recoverDeleted(request: OperationRequest): OperationResult {
  const secret = request.store.recover(request.name);
  const latest = secret.versions[secret.versions.length - 1];
  return ok(secretBundle(secret, latest, request.context, false));
}

function purgeDeleted(request: OperationRequest): OperationResult {
  request.store.purge(request.name);
  return { status: 204 };
}

const OPERATIONS: Partial<Record<RouteTemplate, Operation>> = {
  [ROUTES.setSecret]: setSecret,
  [ROUTES.getSecret]: getSecret,
  [ROUTES.getSecretVersion]: getSecret,
  [ROUTES.updateSecret]: updateSecret,
  [ROUTES.deleteSecret]: deleteSecret,
  [ROUTES.listSecrets]: listSecrets,
  [ROUTES.listVersions]: listVersions,
  [ROUTES.listDeleted]: listDeleted,
  [ROUTES.getDeleted]: getDeleted,
  [ROUTES.recoverDeleted]: recoverDeleted,
  [ROUTES.purgeDeleted]: purgeDeleted,
};

const LIST_ROUTES = new Set<RouteTemplate>([ROUTES.listSecrets, ROUTES.listDeleted]);

/** Runs a secrets operation. Throws KeyVaultError for error responses. */
export async function runOperation(
  route: RouteTemplate,
  request: OperationRequest,
): Promise<OperationResult | undefined> {
  const operation = OPERATIONS[route];
  if (operation === undefined) {
    return undefined;
  }
  if (!LIST_ROUTES.has(route)) {
    validateName(request.name);
  }
  return operation(request);
}
