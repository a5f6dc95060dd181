// A fake StsClient and RoleChainer for unit tests: record requests, answer or fail as scripted.

import { StsError, type AssumeRoleRequest, type StsClient, type StsSession } from '../../src/providers/aws-login.js';
import type { ChainedSession, RoleChainer, RoleRequest } from '../../src/aws/role-chain.js';
import type { AwsCredentials } from '../../src/aws/eks-token.js';

/** Records calls and answers with fixed credentials, or throws the scripted error. */
export class FakeSts implements StsClient {
  readonly calls: AssumeRoleRequest[] = [];
  failWith: StsError | undefined;
  constructor(private readonly expiration = new Date('2030-01-01T01:00:00Z')) {}

  async assumeRoleWithWebIdentity(req: AssumeRoleRequest): Promise<StsSession> {
    this.calls.push(req);
    if (this.failWith) throw this.failWith;
    return { accessKeyId: 'ASIAFAKE', secretAccessKey: 'fake-secret-key', sessionToken: 'fake-session-token', expiration: this.expiration };
  }
}

/** Records AssumeRole calls (with the base access key id) and answers with the role's fixed credentials. */
export class FakeChainer implements RoleChainer {
  readonly calls: { baseAccessKeyId: string; baseExpiration?: Date | undefined; role: RoleRequest }[] = [];
  failWith: StsError | undefined;
  constructor(
    readonly session: ChainedSession = { accessKeyId: 'ASIACHAINED', secretAccessKey: 'chained-secret', sessionToken: 'chained-token', expiration: new Date('2030-01-01T01:00:00Z') },
  ) {}

  async assumeRole(base: AwsCredentials & { expiration?: Date | undefined }, role: RoleRequest): Promise<ChainedSession> {
    this.calls.push({ baseAccessKeyId: base.accessKeyId, baseExpiration: base.expiration, role });
    if (this.failWith) throw this.failWith;
    return this.session;
  }
}
