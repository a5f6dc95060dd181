// The pulumi-stacks provider (`fn::open::pulumi-stacks`), with Pulumi ESC's inputs
// (`stacks: {NAME: {stack: "project/stack"}}`): for each NAME, that stack's outputs, read from a
// self-managed backend. `backend: file://...` is an esc-kube extension.

import { ProviderError, type Provider } from '../esc/eval.js';
import type { JsonSchema } from '../esc/schema.js';
import { exportedToPlain, type Exported } from '../esc/value.js';
import { backendDir, readStackOutputs, resolveBackendUrl, type StateFs } from '../pulumi/state.js';
import type { Environ } from '../environ.js';

/** Pulumi ESC's input schema for pulumi-stacks (../shared/pulumi-state/esc-pulumi-stacks-schema.json), plus `backend`. */
export const PULUMI_STACKS_INPUT_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['stacks'],
  additionalProperties: false,
  properties: {
    stacks: {
      type: 'object',
      minProperties: 1,
      additionalProperties: {
        type: 'object',
        required: ['stack'],
        properties: { stack: { type: 'string', pattern: '^[a-zA-Z0-9-_.]{1,100}\\/[a-zA-Z0-9-_.]{1,100}$' } },
      },
    },
    backend: { type: 'string' },
  },
};

/** What pulumi-stacks returns: an object of the stacks' outputs, whose names and shapes only the stacks know. */
export const PULUMI_STACKS_OUTPUT_SCHEMA: JsonSchema = { type: 'object', additionalProperties: true };

/** Creates the provider; PBKDF2 keys are derived once per provider (that is, per esc-kube call). */
export function pulumiStacksProvider(deps: { fs: StateFs; environ: Environ; homedir: string }): Provider {
  const keyCache = new Map<string, Promise<Buffer>>();
  return {
    inputSchema: PULUMI_STACKS_INPUT_SCHEMA,
    outputSchema: PULUMI_STACKS_OUTPUT_SCHEMA,
    open: async (inputs) => {
      const plain = exportedToPlain(inputs) as { stacks: Record<string, { stack: string }>; backend?: string };
      const url = await resolveBackendUrl(plain.backend, deps);
      const dir = backendDir(url, deps.homedir);
      const out: Record<string, Exported> = {};
      for (const [name, { stack }] of Object.entries(plain.stacks)) {
        try {
          out[name] = await readStackOutputs(dir, stack, { ...deps, keyCache });
        } catch (e) {
          throw new ProviderError('pulumi-stacks.read', `pulumi-stacks: ${name} (${stack}): ${(e as Error).message}`, { cause: e });
        }
      }
      return { value: out, secret: false, unknown: false };
    },
  };
}
