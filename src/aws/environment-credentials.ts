// What an opened environment says about AWS: the credentials to sign with and the region, for `token`
// and `kubeconfig-gen` alike.

import { isValidRegion } from './endpoints.js';
import type { AwsCredentials } from './eks-token.js';
import type { OpenedEnvironment } from '../esc/opened-environment.js';
import { parsePath, valueAt } from '../esc/path.js';
import { projectEnvironment, scalarText } from '../esc/projection.js';
import { NumberValue, type Exported } from '../esc/value.js';
import { EscKubeError, quoteValue } from '../errors.js';
import type { Environ } from '../environ.js';
import { defined } from '../defined.js';

function text(e: Exported | undefined): string | undefined {
  if (!e || e.unknown) return undefined;
  const t = scalarText(e);
  return t === undefined || t === '' ? undefined : t;
}

/** The signing credentials: the object at `path`, else the AWS_* environmentVariables. */
export function credentialsFromEnvironment(env: OpenedEnvironment, path?: string): AwsCredentials {
  return path ? credentialsAt(env, path) : credentialsFromVariables(env);
}

function credentialsFromVariables(env: OpenedEnvironment): AwsCredentials {
  const vars = projectEnvironment(env.exported).environmentVariables;
  const accessKeyId = vars.AWS_ACCESS_KEY_ID?.value;
  const secretAccessKey = vars.AWS_SECRET_ACCESS_KEY?.value;
  if (!accessKeyId || !secretAccessKey) {
    throw new EscKubeError(
      'credentials',
      `environment ${JSON.stringify(env.name)} provides no AWS credentials: expected environmentVariables.AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (as from fn::open::aws-login), or pass --credentials PATH to an object such as aws.login`,
    );
  }
  const sessionToken = vars.AWS_SESSION_TOKEN?.value;
  return { accessKeyId, secretAccessKey, ...defined({ sessionToken: sessionToken || undefined }) };
}

function credentialsAt(env: OpenedEnvironment, path: string): AwsCredentials {
  const parsed = parsePath(path);
  if ('error' in parsed) throw new EscKubeError('usage', parsed.error);
  const v = valueAt(env.exported, parsed.accessors);
  const r = v?.value;
  if (!v || r === null || typeof r !== 'object' || Array.isArray(r) || r instanceof NumberValue) {
    throw new EscKubeError('credentials', `environment ${JSON.stringify(env.name)} has no credentials object at ${JSON.stringify(path)}: expected {accessKeyId, secretAccessKey, sessionToken?}`);
  }
  const get = (k: string) => (Object.hasOwn(r, k) ? text(r[k]) : undefined);
  const accessKeyId = get('accessKeyId');
  const secretAccessKey = get('secretAccessKey');
  if (!accessKeyId || !secretAccessKey) {
    throw new EscKubeError('credentials', `the object at ${JSON.stringify(path)} in environment ${JSON.stringify(env.name)} lacks accessKeyId or secretAccessKey`);
  }
  const sessionToken = get('sessionToken');
  return { accessKeyId, secretAccessKey, ...defined({ sessionToken: sessionToken || undefined }) };
}

/**
 * The environment's own region (AWS_REGION, AWS_DEFAULT_REGION, pulumiConfig aws:region), when it is
 * known without opening anything and is a region name; undefined otherwise.
 */
export function environmentRegion(exported: Exported | undefined): string | undefined {
  if (!exported) return undefined;
  try {
    return resolveRegion(undefined, exported, {}, '');
  } catch {
    return undefined;
  }
}

/** The region: the flag, then the environment's AWS_REGION, AWS_DEFAULT_REGION, pulumiConfig aws:region, then the process's. */
export function resolveRegion(
  flag: string | undefined,
  exported: Exported,
  environ: Environ,
  envName: string,
  flagSource = '--region',
): string {
  const vars = projectEnvironment(exported).environmentVariables;
  const root = exported.value as Record<string, Exported> | null;
  const config = root && typeof root === 'object' && Object.hasOwn(root, 'pulumiConfig') ? root.pulumiConfig : undefined;
  const configEntry = config && config.value && typeof config.value === 'object' && !Array.isArray(config.value) && !(config.value instanceof NumberValue) && Object.hasOwn(config.value, 'aws:region') ? config.value['aws:region'] : undefined;
  const configRegion = text(configEntry);
  const configSecret = (config?.secret || configEntry?.secret) ?? false;
  const candidates: [string | undefined, string, boolean][] = [
    [flag, flagSource, false],
    [vars.AWS_REGION?.value || undefined, 'environmentVariables.AWS_REGION', vars.AWS_REGION?.secret ?? false],
    [vars.AWS_DEFAULT_REGION?.value || undefined, 'environmentVariables.AWS_DEFAULT_REGION', vars.AWS_DEFAULT_REGION?.secret ?? false],
    [configRegion, 'pulumiConfig["aws:region"]', configSecret],
    [environ.AWS_REGION || undefined, '$AWS_REGION', false],
    [environ.AWS_DEFAULT_REGION || undefined, '$AWS_DEFAULT_REGION', false],
  ];
  const found = candidates.find(([v]) => v !== undefined);
  if (!found) {
    throw new EscKubeError(
      'region',
      `no AWS region for environment ${JSON.stringify(envName)}: pass --region, or set environmentVariables.AWS_REGION or pulumiConfig["aws:region"] in the environment, or $AWS_REGION`,
    );
  }
  const [region, from, secret] = found as [string, string, boolean];
  if (!isValidRegion(region)) throw new EscKubeError('region', `${from} is ${quoteValue(region, secret)}, which is not an AWS region name (such as us-west-2)`);
  return region;
}
