// Environment definitions the end-to-end tests share.

import { stringify } from 'yaml';

/** Static credentials exported as AWS_* variables, with a region. */
export function staticEnvironment(accessKeyId: string, secret: string, sessionToken: string | undefined, region: string): string {
  return stringify({
    values: {
      aws: { login: { 'fn::open::aws-login': { static: { accessKeyId, secretAccessKey: { 'fn::secret': secret }, ...(sessionToken ? { sessionToken: { 'fn::secret': sessionToken } } : {}) } } } },
      environmentVariables: {
        AWS_ACCESS_KEY_ID: '${aws.login.accessKeyId}',
        AWS_SECRET_ACCESS_KEY: '${aws.login.secretAccessKey}',
        ...(sessionToken ? { AWS_SESSION_TOKEN: '${aws.login.sessionToken}' } : {}),
        AWS_REGION: region,
      },
    },
  });
}

/** aws-login oidc for role esc-kube, exported as AWS_* variables, region in pulumiConfig. */
export function oidcEnvironment(extra: Record<string, unknown> = {}, region = 'us-west-2'): string {
  return stringify({
    values: {
      aws: { login: { 'fn::open::aws-login': { oidc: { roleArn: 'arn:aws:iam::123456789012:role/esc-kube', sessionName: 'esc-kube-test', duration: '1h', ...extra } } } },
      environmentVariables: {
        AWS_ACCESS_KEY_ID: '${aws.login.accessKeyId}',
        AWS_SECRET_ACCESS_KEY: '${aws.login.secretAccessKey}',
        AWS_SESSION_TOKEN: '${aws.login.sessionToken}',
      },
      pulumiConfig: { 'aws:region': region },
    },
  });
}

/** The ExecCredential and the presigned URL inside its token. */
export function decodeToken(json: string) {
  const cred = JSON.parse(json) as { apiVersion: string; status: { token: string; expirationTimestamp: string } };
  const url = new URL(Buffer.from(cred.status.token.slice('k8s-aws-v1.'.length), 'base64url').toString());
  return { cred, url };
}
