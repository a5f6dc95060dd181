// The providers that `fn::open::<name>` can use in esc-kube. The process's parts (files, HTTP, the STS
// client) come in as ProviderIo from the composition root.

import { pulumiStacksProvider } from './pulumi-stacks.js';
import { stsEndpointSettings, stsEndpointUrl, type StsEndpointSettings } from '../aws/endpoints.js';
import type { Provider, ProviderRegistry } from '../esc/eval.js';
import { awsLoginProvider, type SessionLog, type StsClient } from './aws-login.js';
import type { LoginConfig } from '../login/oidc-login.js';
import type { StateFs } from '../pulumi/state.js';
import type { AwsServices } from './aws-services.js';
import { awsParameterStoreProvider, awsSecretsProvider } from './aws-secrets.js';
import type { Environ } from '../environ.js';
import { defined } from '../defined.js';

/** What providers are built from. */
export interface ProviderSetup {
  environ: Environ;
  now: () => Date;
  sessions?: SessionLog;
  /** Wraps the STS client (the session tier of the cache); `endpoint` identifies where calls go. */
  wrapSts?: (sts: StsClient, endpoint: string) => StsClient;
  /** The interactive login (the fifth OIDC token source). */
  login?: (config: LoginConfig | undefined) => Promise<string | undefined>;
  loginOnly?: boolean;
  /** The region the request names (--region, or the cluster's extension), before $AWS_REGION. */
  region?: string;
  /**
   * The environment's own region, after the request's and before $AWS_REGION; asked for only when an
   * STS call is about to be made (finding it costs an offline evaluation of the environment).
   */
  environmentRegion?: () => Promise<string | undefined>;
}

/** The process's parts that providers use, supplied by the composition root. */
export interface ProviderIo {
  fs: StateFs;
  readFile(path: string): Promise<string>;
  homedir: string;
  fetch: typeof fetch;
  /** An STS client for a region and endpoint settings. */
  sts(region: string, settings: StsEndpointSettings): StsClient;
  /** An AbortSignal that fires after `ms` (a deadline for HTTP calls). */
  deadline(ms: number): AbortSignal;
  /** Secrets Manager and Parameter Store, for the secret providers. */
  aws: AwsServices;
}

/** Where STS is called when nothing names a region (the AWS CLI's and the SDK's global default). */
export const DEFAULT_STS_REGION = 'us-east-1';

/** The provider registry over the process's parts. */
export function providerRegistry(io: ProviderIo, setup: ProviderSetup): ProviderRegistry {
  // STS's regional endpoint: the region the request names, else the environment's own, else the
  // process's; us-east-1 only when nothing names one. Resolved at the first STS call, once.
  const settings = stsEndpointSettings(setup.environ);
  let client: Promise<StsClient> | undefined;
  const resolveClient = async () => {
    const region = setup.region || (await setup.environmentRegion?.()) || setup.environ.AWS_REGION || setup.environ.AWS_DEFAULT_REGION || DEFAULT_STS_REGION;
    const sts = io.sts(region, settings);
    return setup.wrapSts ? setup.wrapSts(sts, stsEndpointUrl(region, settings)) : sts;
  };
  const sts: StsClient = { assumeRoleWithWebIdentity: async (req) => (await (client ??= resolveClient())).assumeRoleWithWebIdentity(req) };
  const providers = new Map<string, Provider>([
    [
      'pulumi-stacks',
      pulumiStacksProvider({ fs: io.fs, environ: setup.environ, homedir: io.homedir }),
    ],
    [
      'aws-login',
      awsLoginProvider({
        sts,
        environ: setup.environ,
        readFile: io.readFile,
        fetch: io.fetch,
        deadline: io.deadline,
        now: setup.now,
        ...defined({ sessions: setup.sessions, login: setup.login, loginOnly: setup.loginOnly }),
      }),
    ],
    ['aws-secrets', awsSecretsProvider(io.aws)],
    ['aws-parameter-store', awsParameterStoreProvider(io.aws)],
  ]);
  return {
    provider: (name) => providers.get(name),
    rotator: () => undefined,
  };
}
