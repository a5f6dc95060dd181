// fn::open::aws-secrets and fn::open::aws-parameter-store, with Pulumi ESC's inputs: a region, the
// credentials of an aws-login (`login: ${aws.login}`), and `get: {NAME: {...}}`. Each secret or
// parameter is read once per open (the same one named twice is one call), all in parallel.

import type { AwsCredentials } from '../aws/eks-token.js';
import { isValidRegion } from '../aws/endpoints.js';
import { ProviderError, type Provider } from '../esc/eval.js';
import type { JsonSchema } from '../esc/schema.js';
import { exportedToPlain, type Exported, type Value } from '../esc/value.js';
import { defined } from '../defined.js';
import { quoteValue } from '../errors.js';
import { AwsServiceError, type AwsServices } from './aws-services.js';

const str = { type: 'string' };
/** The credentials an aws-login returns. */
const LOGIN_SCHEMA = { type: 'object', properties: { accessKeyId: str, secretAccessKey: str, sessionToken: str }, required: ['accessKeyId', 'secretAccessKey'] };

/** The inputs both take (Pulumi ESC's): a region, a login, and what to `get` under each name. */
function inputSchema(getEntry: { required: string[]; properties: Record<string, object> }): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['region', 'login', 'get'],
    properties: { region: str, login: LOGIN_SCHEMA, get: { type: 'object', additionalProperties: { type: 'object', additionalProperties: false, ...getEntry } } },
  };
}

/** aws-secrets' inputs. */
export const AWS_SECRETS_INPUT_SCHEMA = inputSchema({ required: ['secretId'], properties: { secretId: str, versionId: str, versionStage: str } });
/** aws-parameter-store's inputs. */
export const AWS_PARAMETER_STORE_INPUT_SCHEMA = inputSchema({ required: ['name'], properties: { name: str, decrypt: { type: 'boolean' } } });

/** Both return an object of the names asked for; aws-secrets' values are all secret. */
export const AWS_SECRETS_OUTPUT_SCHEMA: JsonSchema = { type: 'object', additionalProperties: { type: 'string', secret: true } };
export const AWS_PARAMETER_STORE_OUTPUT_SCHEMA: JsonSchema = { type: 'object', additionalProperties: { type: 'string' } };

interface CommonInputs {
  region: string;
  login: { accessKeyId?: unknown; secretAccessKey?: unknown; sessionToken?: unknown };
}

/** The region and credentials of the inputs, checked; `provider` names the provider in messages. */
function regionAndLogin(provider: string, plain: CommonInputs): { region: string; credentials: AwsCredentials } {
  if (!isValidRegion(plain.region)) throw new ProviderError(`${provider}.region`, `${provider}: region ${quoteValue(plain.region)} is not an AWS region name (such as us-west-2)`);
  const l = plain.login;
  if (typeof l?.accessKeyId !== 'string' || typeof l.secretAccessKey !== 'string' || l.accessKeyId === '' || l.secretAccessKey === '') {
    throw new ProviderError(`${provider}.login`, `${provider}: login must be the credentials of an aws-login (accessKeyId, secretAccessKey and sessionToken), such as \${aws.login}`);
  }
  return { region: plain.region, credentials: { accessKeyId: l.accessKeyId, secretAccessKey: l.secretAccessKey, ...defined({ sessionToken: typeof l.sessionToken === 'string' && l.sessionToken !== '' ? l.sessionToken : undefined }) } };
}

/** Reads every entry of `get` once per distinct request, in parallel, and names the first failure. */
async function readAll<R, V>(get: Record<string, R>, key: (r: R) => string, read: (r: R) => Promise<V>): Promise<Record<string, V>> {
  const calls = new Map<string, Promise<V>>();
  const names = Object.keys(get);
  const results = await Promise.allSettled(
    names.map((n) => {
      const r = get[n]!;
      const k = key(r);
      if (!calls.has(k)) calls.set(k, read(r));
      return calls.get(k)!;
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return Object.fromEntries(names.map((n, i) => [n, (results[i] as PromiseFulfilledResult<V>).value]));
}

/** What an AWS failure means for a secret or parameter, in one line. */
function explain(provider: string, what: string, region: string, e: unknown): ProviderError {
  if (e instanceof ProviderError) return e;
  const code = e instanceof AwsServiceError ? e.code : 'unknown';
  const message = (e as Error).message;
  if (/NotFound/.test(code)) return new ProviderError(`${provider}.not-found`, `${provider}: ${what} not found in region ${region}`, { cause: e });
  if (/AccessDenied|UnrecognizedClient|InvalidSignature|ExpiredToken/.test(code)) {
    return new ProviderError(`${provider}.access-denied`, `${provider}: access to ${what} in region ${region} was refused (${code}): ${message}`, { cause: e });
  }
  return new ProviderError(`${provider}.${code}`, `${provider}: could not read ${what} in region ${region}: ${message}`, { cause: e });
}

/**
 * The output schema once the names under `get` are known: each one a string property (secret when
 * `secret` says so for its request), and no other; undefined while `get` is not a literal object.
 */
function schemaOfGet(inputs: Value, secret: (request: Value) => boolean): JsonSchema | undefined {
  const get = inputs.repr instanceof Map ? inputs.repr.get('get') : undefined;
  if (!get || get.unknown || !(get.repr instanceof Map)) return undefined;
  const properties: Record<string, JsonSchema> = {};
  for (const [name, request] of get.repr) properties[name] = secret(request) ? { type: 'string', secret: true } : { type: 'string' };
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false };
}

/** The region an ARN names, when the id is one. */
function arnRegion(id: string): string | undefined {
  return /^arn:[^:]+:[^:]+:([^:]*):/.exec(id)?.[1] || undefined;
}

/** fn::open::aws-secrets. */
export function awsSecretsProvider(services: AwsServices): Provider {
  return {
    inputSchema: AWS_SECRETS_INPUT_SCHEMA,
    outputSchema: AWS_SECRETS_OUTPUT_SCHEMA,
    outputSchemaFor: (inputs) => schemaOfGet(inputs, () => true) ?? AWS_SECRETS_OUTPUT_SCHEMA,
    open: async (inputs) => {
      const plain = exportedToPlain(inputs) as CommonInputs & { get: Record<string, { secretId: string; versionId?: string; versionStage?: string }> };
      const { region, credentials } = regionAndLogin('aws-secrets', plain);
      for (const r of Object.values(plain.get)) {
        const other = arnRegion(r.secretId);
        if (other && other !== region) throw new ProviderError('aws-secrets.wrong-region', `aws-secrets: secret ${quoteValue(r.secretId)} is in region ${other}, not in ${region} (the region of this fn::open)`);
      }
      const client = services.secretsManager(region, credentials);
      const values = await readAll(
        plain.get,
        (r) => JSON.stringify([r.secretId, r.versionId ?? null, r.versionStage ?? null]),
        (r) =>
          client
            .getSecretValue(defined({ secretId: r.secretId, versionId: r.versionId, versionStage: r.versionStage }) as { secretId: string })
            .catch((e: unknown) => Promise.reject(explain('aws-secrets', `secret ${quoteValue(r.secretId)}`, region, e))),
      );
      const out: Record<string, Exported> = {};
      for (const [name, value] of Object.entries(values)) Object.defineProperty(out, name, { value: { value, secret: true, unknown: false }, enumerable: true });
      return { value: out, secret: false, unknown: false };
    },
  };
}

/**
 * fn::open::aws-parameter-store: SecureString values are secret, String and StringList values are not.
 * A SecureString is decrypted only with `decrypt: true`, as in ESC's examples.
 */
export function awsParameterStoreProvider(services: AwsServices): Provider {
  return {
    inputSchema: AWS_PARAMETER_STORE_INPUT_SCHEMA,
    outputSchema: AWS_PARAMETER_STORE_OUTPUT_SCHEMA,
    // Offline, a parameter read with decrypt: true is taken for a SecureString, so secret.
    outputSchemaFor: (inputs) => schemaOfGet(inputs, (request) => request.repr instanceof Map && request.repr.get('decrypt')?.repr === true) ?? AWS_PARAMETER_STORE_OUTPUT_SCHEMA,
    open: async (inputs) => {
      const plain = exportedToPlain(inputs) as CommonInputs & { get: Record<string, { name: string; decrypt?: boolean }> };
      const { region, credentials } = regionAndLogin('aws-parameter-store', plain);
      const client = services.parameterStore(region, credentials);
      const values = await readAll(
        plain.get,
        (r) => JSON.stringify([r.name, r.decrypt ?? false]),
        (r) =>
          client
            .getParameter({ name: r.name, decrypt: r.decrypt ?? false })
            .catch((e: unknown) => Promise.reject(explain('aws-parameter-store', `parameter ${quoteValue(r.name)}`, region, e))),
      );
      const out: Record<string, Exported> = {};
      for (const [name, p] of Object.entries(values)) Object.defineProperty(out, name, { value: { value: p.value, secret: p.type === 'SecureString', unknown: false }, enumerable: true });
      return { value: out, secret: false, unknown: false };
    },
  };
}
