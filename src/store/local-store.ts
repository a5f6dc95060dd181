// The local environment store: environment NAME is the file NAME.yaml (or NAME.yml) in a directory,
// and project/NAME is project/NAME.yaml. Files are checked before parsing: a directory, an unreadable
// file, a huge file or binary garbage each get a clear error instead of a hang or a parser trace.

import { defined } from '../defined.js';
import { sha256Hex } from '../cache/sha256.js';
import { EscKubeError, describeSystemError } from '../errors.js';
import type { EnvironmentLoader, EnvironmentSource } from '../esc/eval.js';
import type { Decrypter } from '../esc/providers.js';

/** The file-system calls the store needs. */
export interface StoreFs {
  stat(path: string): Promise<{ isFile(): boolean; isDirectory(): boolean; size: number }>;
  readFile(path: string): Promise<Uint8Array>;
  readdir(path: string): Promise<{ name: string; isFile(): boolean; isDirectory(): boolean; isSymbolicLink?(): boolean }[]>;
}

/** The environment-file writes of env init, set and rm (adapters/environment-files.ts implements them). */
export interface EnvironmentFiles {
  /** Replaces an existing file's content atomically, keeping its mode. */
  replace(path: string, text: string): Promise<void>;
  /** Creates a file (0600, parent directories 0700); refuses one that exists. */
  create(path: string, text: string): Promise<void>;
  remove(path: string): Promise<void>;
}

/** Environment files larger than this are refused: real definitions are a few KB. */
export const MAX_ENVIRONMENT_BYTES = 4 * 1024 * 1024;

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Checks an environment name (`NAME` or `project/NAME`) and returns an error message, or undefined when valid. */
export function checkEnvironmentName(name: string): string | undefined {
  const segments = name.split('/');
  if (name === '' || segments.length > 2 || !segments.every((s) => SEGMENT.test(s) && !s.endsWith('.yaml') && !s.endsWith('.yml'))) {
    return `invalid environment name ${JSON.stringify(name)}: expected NAME or PROJECT/NAME made of letters, digits, "_", "-" and "." (without .yaml)`;
  }
  return undefined;
}

/** Reads environment definitions from a directory. */
export class LocalEnvironmentStore implements EnvironmentLoader {
  constructor(
    readonly dir: string,
    private readonly fs: StoreFs,
    /** Opens the store's `fn::secret: {ciphertext}` values (the user's environments key). */
    private readonly decrypter?: Decrypter,
  ) {}

  /** Loads an environment; resolves undefined when no file defines it. */
  async load(name: string): Promise<EnvironmentSource | undefined> {
    const invalid = checkEnvironmentName(name);
    if (invalid) throw new EscKubeError('env-invalid-name', invalid);
    for (const ext of ['.yaml', '.yml']) {
      const file = `${this.dir}/${name}${ext}`;
      let info;
      try {
        info = await this.fs.stat(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') continue;
        throw new EscKubeError('env-unreadable', `could not read ${file}: ${describeSystemError(e)}`, { cause: e });
      }
      if (info.isDirectory()) {
        throw new EscKubeError('env-unreadable', `${file} is a directory; environment ${name} must be a YAML file`);
      }
      if (info.size > MAX_ENVIRONMENT_BYTES) {
        throw new EscKubeError(
          'env-too-large',
          `${file} is ${(info.size / 1024 / 1024).toFixed(1)} MiB; environment definitions are limited to ${MAX_ENVIRONMENT_BYTES / 1024 / 1024} MiB`,
        );
      }
      let bytes: Uint8Array;
      try {
        bytes = await this.fs.readFile(file);
      } catch (e) {
        throw new EscKubeError('env-unreadable', `could not read ${file}: ${describeSystemError(e)}`, { cause: e });
      }
      return { text: decodeText(bytes, file), file, digest: sha256Hex(bytes), ...defined({ decrypter: this.decrypter }) };
    }
    return undefined;
  }

  /** Lists every environment in the store, sorted. */
  async list(): Promise<string[]> {
    const names: string[] = [];
    const walk = async (rel: string, depth: number) => {
      let entries;
      try {
        entries = await this.fs.readdir(rel === '' ? this.dir : `${this.dir}/${rel}`);
      } catch (e) {
        if (depth === 0 && (e as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw new EscKubeError('env-unreadable', `could not list ${this.dir}${rel ? '/' + rel : ''}: ${describeSystemError(e)}`, { cause: e });
      }
      for (const entry of entries) {
        const m = /^(.*)\.ya?ml$/.exec(entry.name);
        const name = m ? (rel ? `${rel}/${m[1]}` : m[1]!) : undefined;
        // A symbolic link counts as what it points to, as it does for load (which follows it).
        const kind = entry.isSymbolicLink?.() ? await this.fs.stat(`${this.dir}/${rel ? rel + '/' : ''}${entry.name}`).catch(() => undefined) : entry;
        if (kind?.isFile() && name && !checkEnvironmentName(name)) names.push(name);
        else if (kind?.isDirectory() && depth === 0 && SEGMENT.test(entry.name)) await walk(entry.name, 1);
      }
    };
    await walk('', 0);
    return [...new Set(names)].sort();
  }
}

function decodeText(bytes: Uint8Array, file: string): string {
  if (bytes.includes(0)) throw new EscKubeError('env-not-text', `${file} is not a text file (it contains NUL bytes); expected a YAML environment definition`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw new EscKubeError('env-not-text', `${file} is not valid UTF-8 text; expected a YAML environment definition`);
  }
}
