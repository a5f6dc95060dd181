// An in-memory file system for the store's port.

import type { StoreFs } from '../../src/store/local-store.js';

const err = (code: string, path: string) => Object.assign(new Error(`${code}: ${path}`), { code });

/** Files by absolute path; directories are implied by the paths. */
export class FakeFs implements StoreFs {
  constructor(private readonly files: Record<string, string>) {}

  private isDir(path: string): boolean {
    return Object.keys(this.files).some((f) => f.startsWith(path.replace(/\/$/, '') + '/'));
  }

  async stat(path: string) {
    if (Object.hasOwn(this.files, path)) return { isFile: () => true, isDirectory: () => false, size: this.files[path]!.length };
    if (this.isDir(path)) return { isFile: () => false, isDirectory: () => true, size: 0 };
    throw err('ENOENT', path);
  }

  async readFile(path: string) {
    if (!Object.hasOwn(this.files, path)) throw err('ENOENT', path);
    return new TextEncoder().encode(this.files[path]);
  }

  async readdir(path: string) {
    if (!this.isDir(path)) throw err('ENOENT', path);
    const prefix = path.replace(/\/$/, '') + '/';
    const names = new Map<string, boolean>();
    for (const f of Object.keys(this.files)) {
      if (!f.startsWith(prefix)) continue;
      const [head, ...rest] = f.slice(prefix.length).split('/');
      names.set(head!, rest.length > 0 || names.get(head!) === true);
    }
    return [...names].map(([name, dir]) => ({ name, isFile: () => !dir, isDirectory: () => dir }));
  }
}
