// Errors that reach the user. Each has a stable code (tests assert on codes, not wording) and an exit
// status: 1 for a failure, 2 for a usage mistake. Messages are lowercase, name things in quotes and say
// what was expected; I/O failures keep their cause.

import type { Diagnostic, SourceLookup } from './esc/diagnostics.js';

/** Stable codes for user-facing failures. */
export type ErrorCode =
  | 'usage'
  | 'env-not-found'
  | 'env-invalid-name'
  | 'env-unreadable'
  | 'env-too-large'
  | 'env-not-text'
  | 'env-diagnostics'
  | 'env-empty'
  | 'path-not-found'
  | 'command-failed'
  | 'credentials'
  | 'region'
  | 'sts'
  | 'assume-role'
  | 'exec-info'
  | 'token'
  | 'kubeconfig'
  | 'read'
  | 'eks'
  | 'keychain'
  | 'format'
  | 'secret-argument'
  | 'cloud-auth'
  | 'cloud-answer'
  | 'cloud-timeout'
  | 'env-run-files'
  | 'cluster'
  | 'needs-deep-stack'
  | 'internal';

/** An error with a stable code, the shape of the errors that ports and providers raise (StsError, EksError, ProviderError, AwsServiceError). */
export class CodedError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** Marks an EscKubeError whichever copy of this module made it (see EscKubeError's instanceof). */
const ESC_KUBE_ERROR = Symbol.for('esc-kube.EscKubeError');

/**
 * A failure to report to the user as one line (plus diagnostics), never with a stack trace. The warm
 * path (dist/main.cjs) and the full command (ES modules) each bundle a copy of this class, and the
 * credential cache the full command uses comes from the warm path's copy; `instanceof` therefore checks
 * a registered symbol, so an error from either copy is reported as what it is.
 */
export class EscKubeError extends Error {
  readonly [ESC_KUBE_ERROR] = true;

  static override [Symbol.hasInstance](x: unknown): boolean {
    return typeof x === 'object' && x !== null && (x as { [ESC_KUBE_ERROR]?: unknown })[ESC_KUBE_ERROR] === true;
  }

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: { cause?: unknown; diagnostics?: Diagnostic[]; lookup?: SourceLookup; exitCode?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }

  get exitCode(): number {
    return this.options.exitCode ?? (this.code === 'usage' ? 2 : 1);
  }
}

/** The most characters of a value that a message quotes. */
export const MAX_QUOTED_CHARS = 64;

/**
 * A value as a message may show it: "a secret value" when it is secret; otherwise JSON-quoted, with
 * every control character escaped (no terminal escape sequence gets through) and cut to
 * {@link MAX_QUOTED_CHARS} characters.
 */
export function quoteValue(text: string, secret = false): string {
  if (secret) return 'a secret value';
  const cut = [...text].length > MAX_QUOTED_CHARS ? [...text].slice(0, MAX_QUOTED_CHARS).join('') + '…' : text;
  // JSON escapes C0 controls; DEL, the C1 controls and the line/paragraph separators are escaped too.
  return JSON.stringify(cut).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Describes a Node.js system error (ENOENT, EACCES, ...) in plain words. */
export function describeSystemError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a parent is not a directory';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EBUSY':
      return 'device or resource busy';
    default:
      return err?.message ?? String(e);
  }
}
