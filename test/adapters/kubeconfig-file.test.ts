// The kubeconfig file adapter on a real file system, with an injected clock and sleep: client-go's
// lock (waited for, taken over from a dead esc-kube, named when it stays), read-modify-write under it,
// a symbolic link followed as kubectl follows it.

import { existsSync, lstatSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubeconfigFile } from '../../src/adapters/kubeconfig-file.js';
import { tempDir } from '../e2e/helpers.js';

function adapter(alive: (pid: number) => boolean = () => true) {
  let clock = 0;
  const sleeps: number[] = [];
  const file = kubeconfigFile({ isAlive: alive, now: () => clock, sleep: async (ms) => void (sleeps.push(ms), (clock += ms)) });
  return { file, sleeps, clock: () => clock };
}

describe('kubeconfig file', () => {
  it('a lock that stays (kubectl\'s: empty; writing, or killed while writing) is never taken over: waited for 10 s, then named with the fix', async () => {
    const path = join(tempDir(), 'config');
    writeFileSync(`${path}.lock`, '');
    const a = adapter();
    await expect(a.file.update(path, () => 'new')).rejects.toMatchObject({
      code: 'kubeconfig',
      message: `could not lock ${path}: ${path}.lock has existed for 10 s (kubectl or esc-kube is writing the file, or one was killed while writing); if none is running, remove ${path}.lock`,
    });
    expect(a.sleeps.length).toBeGreaterThan(10);
    expect(existsSync(path)).toBe(false);
  });

  it("an esc-kube lock whose process is gone is taken over at once", async () => {
    const path = join(tempDir(), 'config');
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: 999999, at: 0 }));
    const a = adapter((pid) => pid !== 999999);
    await a.file.update(path, () => 'apiVersion: v1\n');
    expect(a.sleeps).toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe('apiVersion: v1\n');
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('concurrent updates in one process all land (each reads what the previous wrote)', async () => {
    const path = join(tempDir(), 'config');
    const real = kubeconfigFile({ isAlive: () => true, now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
    await Promise.all(Array.from({ length: 10 }, (_, i) => real.update(path, (old) => `${old ?? ''}line ${i}\n`)));
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i}`).sort());
  });

  it('a kubeconfig that is a symbolic link is written through it, and reports the mode it had', async () => {
    const dir = tempDir({ 'dotfiles/kubeconfig': 'old\n' });
    const path = join(dir, 'config');
    symlinkSync(join(dir, 'dotfiles/kubeconfig'), path);
    const a = adapter();
    const r = await a.file.update(path, (old) => `${old}new\n`);
    expect(lstatSync(path).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'dotfiles/kubeconfig'), 'utf8')).toBe('old\nnew\n');
    expect(r).toEqual({ modeBefore: 0o644, modeAfter: 0o600 });
  });
});
