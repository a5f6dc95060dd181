// The providers that `fn::open::<name>` can use in esc-kube, wired to their real adapters.

import { readdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { pulumiStacksProvider } from './pulumi-stacks.js';
import { stsEndpointSettings, stsEndpointUrl } from '../aws/endpoints.js';
import type { Provider, ProviderRegistry } from '../esc/eval.js';
import { sdkStsClient } from '../adapters/sts-client.js';
import { awsLoginProvider, type SessionLog, type StsClient } from './aws-login.js';
import type { LoginConfig } from '../login/oidc-login.js';

/** What providers are built from. */
export interface ProviderSetup {
  environ: Readonly<Record<string, string | undefined>>;
  now: () => Date;
  sessions?: SessionLog;
  /** Wraps the STS client (the session tier of the cache); `endpoint` identifies where calls go. */
  wrapSts?: (sts: StsClient, endpoint: string) => StsClient;
  /** The interactive login (the fifth OIDC token source). */
  login?: (config: LoginConfig | undefined) => Promise<string | undefined>;
  loginOnly?: boolean;
}

/** The real provider registry. */
export function realProviders(setup: ProviderSetup): ProviderRegistry {
  const region = setup.environ.AWS_REGION || setup.environ.AWS_DEFAULT_REGION || 'us-east-1';
  const settings = stsEndpointSettings(setup.environ);
  const sts = sdkStsClient(region, settings);
  const providers = new Map<string, Provider>([
    [
      'pulumi-stacks',
      pulumiStacksProvider({
        fs: { readFile: (p) => readFile(p), readdir: (p) => readdir(p), stat: (p) => stat(p) },
        environ: setup.environ,
        homedir: homedir(),
      }),
    ],
    [
      'aws-login',
      awsLoginProvider({
        sts: setup.wrapSts ? setup.wrapSts(sts, stsEndpointUrl(region, settings)) : sts,
        environ: setup.environ,
        readFile: (p) => readFile(p, 'utf8'),
        fetch: globalThis.fetch,
        now: setup.now,
        ...(setup.sessions ? { sessions: setup.sessions } : {}),
        ...(setup.login ? { login: setup.login } : {}),
        ...(setup.loginOnly ? { loginOnly: true } : {}),
      }),
    ],
  ]);
  return {
    provider: (name) => providers.get(name),
    rotator: () => undefined,
  };
}
