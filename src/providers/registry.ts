// The providers that `fn::open::<name>` can use in esc-kube.

import type { Provider, ProviderRegistry } from '../esc/eval.js';
import type { Environ } from '../cli.js';

/** The real provider registry. */
export function realProviders(_environ: Environ): ProviderRegistry {
  const providers = new Map<string, Provider>();
  return {
    provider: (name) => providers.get(name),
    rotator: () => undefined,
  };
}
