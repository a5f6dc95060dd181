// An evaluated environment as commands and use cases receive it, whether it was evaluated here or
// opened in Pulumi Cloud.

import type { Diagnostic, SourceLookup } from './diagnostics.js';
import type { EnvironmentSource } from './eval.js';
import type { Exported, Value } from './value.js';

/** An evaluated environment. */
export interface OpenedEnvironment {
  name: string;
  value?: Value | undefined;
  /** The merged values, with secret flags; undefined when the environment is empty. */
  exported: Exported | undefined;
  diagnostics: Diagnostic[];
  /** Every definition read (root and imports), by environment name. */
  sources: Map<string, EnvironmentSource>;
  /** Finds the text of an environment for rendering diagnostics. */
  lookup: SourceLookup;
}

