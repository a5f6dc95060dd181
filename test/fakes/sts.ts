// A fake StsClient for unit tests: records requests, answers or fails as scripted.

import { StsError, type AssumeRoleRequest, type StsClient, type StsSession } from '../../src/providers/aws-login.js';

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
