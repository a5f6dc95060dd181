// The ports of evaluation: providers (`fn::open::<name>`), rotators (`fn::rotate::<name>`) and the
// decrypter of `fn::secret: {ciphertext: ...}`, with the error providers raise.

import { CodedError } from '../errors.js';
import type { JsonSchema } from './schema.js';
import type { Exported, Value } from './value.js';

/** What a provider is told about the environment that opens it. */
export interface ProviderContext {
  /** The environment whose definition contains the fn::open. */
  environment: string;
  /** The root environment being opened. */
  rootEnvironment: string;
}

/**
 * What a provider throws when it cannot open: a stable code (`aws-login.no-oidc-token`,
 * `aws-login.sts.AccessDenied`, ...) that the diagnostic keeps, and the message it shows.
 */
export class ProviderError extends CodedError {}

/** An environment provider, opened by `fn::open::<name>`. */
export interface Provider {
  /** Optional JSON Schema for the inputs; failures are reported at the offending input. */
  readonly inputSchema?: JsonSchema;
  /**
   * Optional JSON Schema for what `open` returns. In check mode `fn::open` is this typed unknown, and
   * property accesses are checked against it; a failed open is also unknown of this type.
   */
  readonly outputSchema?: JsonSchema;
  /**
   * The output schema for these inputs, when the inputs tell more than `outputSchema` can (the names
   * a provider's `get` asks for become the properties of its result, so that a misspelt name is found
   * offline). The inputs may be partly unknown (check mode).
   */
  outputSchemaFor?(inputs: Value): JsonSchema;
  open(inputs: Exported, ctx: ProviderContext): Promise<Exported>;
}

/** A rotator, opened by `fn::rotate::<name>`; in open mode it returns a value from its inputs and state. */
export interface Rotator {
  open(inputs: Exported, state: Exported, ctx: ProviderContext): Promise<Exported>;
}

/** Looks up providers and rotators by name. */
export interface ProviderRegistry {
  provider(name: string): Provider | undefined;
  rotator(name: string): Rotator | undefined;
}

/** Decrypts the ciphertext of `fn::secret: {ciphertext: ...}`. */
export interface Decrypter {
  decrypt(ciphertext: Uint8Array): Promise<Uint8Array>;
}
