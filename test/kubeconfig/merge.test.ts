import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mergeKubeconfig, NotAKubeconfig } from '../../src/kubeconfig/merge.js';

const existing = `# my kubeconfig: hand-edited, keep my notes
apiVersion: v1
kind: Config
preferences: {}
clusters:
  # the dev cluster
  - name: dev
    cluster:
      server: https://dev.example:6443
  - name: staging
    cluster:
      server: https://staging.example:6443
  - name: prod
    cluster:
      server: https://prod.example:6443
users:
  - name: me
    user:
      token: not-touched
contexts:
  - name: dev
    context: { cluster: dev, user: me }
  - name: staging
    context: { cluster: staging, user: me, namespace: web }
  - name: prod
    context: { cluster: prod, user: me }
current-context: dev
x-unknown-field:
  keep: me # trailing comment
`;

const entries = {
  clusters: [{ name: 'arn:aws:eks:us-west-2:1:cluster/demo', cluster: { server: 'https://demo.eks', 'certificate-authority-data': 'Q0E=' } }],
  users: [{ name: 'arn:aws:eks:us-west-2:1:cluster/demo', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'esc-kube', args: ['token'] } } }],
  contexts: [{ name: 'arn:aws:eks:us-west-2:1:cluster/demo', context: { cluster: 'arn:aws:eks:us-west-2:1:cluster/demo', user: 'arn:aws:eks:us-west-2:1:cluster/demo' } }],
  currentContext: 'arn:aws:eks:us-west-2:1:cluster/demo',
};

describe('mergeKubeconfig', () => {
  it('keeps other entries, comments, order and unknown fields, and sets current-context', () => {
    const out = mergeKubeconfig(existing, entries);
    for (const kept of ['# my kubeconfig: hand-edited, keep my notes', '# the dev cluster', 'x-unknown-field:', 'keep: me # trailing comment', 'token: not-touched', 'namespace: web']) {
      expect(out).toContain(kept);
    }
    const c = parse(out);
    expect(c.contexts.map((x: { name: string }) => x.name)).toEqual(['dev', 'staging', 'prod', 'arn:aws:eks:us-west-2:1:cluster/demo']);
    expect(c.clusters.map((x: { name: string }) => x.name)).toEqual(['dev', 'staging', 'prod', 'arn:aws:eks:us-west-2:1:cluster/demo']);
    expect(c['current-context']).toBe('arn:aws:eks:us-west-2:1:cluster/demo');
  });

  it('is idempotent: a second run with the same cluster changes nothing', () => {
    const once = mergeKubeconfig(existing, entries);
    expect(mergeKubeconfig(once, entries)).toBe(once);
  });

  it('replaces a same-name entry in place', () => {
    const out = mergeKubeconfig(existing, { clusters: [{ name: 'staging', cluster: { server: 'https://new.example' } }], users: [], contexts: [] });
    const c = parse(out);
    expect(c.clusters.map((x: { name: string }) => x.name)).toEqual(['dev', 'staging', 'prod']);
    expect(c.clusters[1].cluster.server).toBe('https://new.example');
  });

  it('starts a new kubeconfig from an empty file', () => {
    const c = parse(mergeKubeconfig('', entries));
    expect(c).toMatchObject({ apiVersion: 'v1', kind: 'Config', 'current-context': entries.currentContext });
    expect(c.users).toHaveLength(1);
  });

  it.each([
    ['not YAML', 'clusters: [unclosed\n  - x: {', 'it is not valid YAML'],
    ['a list', '- a\n- b\n', 'not a YAML mapping'],
    ['another kind', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n', 'its kind is "Deployment"'],
    ['clusters not a list', 'kind: Config\nclusters: {a: 1}\n', 'its clusters is not a list of entries'],
    ['unrelated YAML', 'name: my-app\nversion: 2\n', 'no kind: Config and no clusters'],
  ])('refuses %s', (_n, text, msg) => {
    expect(() => mergeKubeconfig(text, entries)).toThrow(NotAKubeconfig);
    expect(() => mergeKubeconfig(text, entries)).toThrow(msg);
  });
});
