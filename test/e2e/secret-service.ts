// A real Secret Service for tests: gnome-keyring-daemon, unlocked, on a private D-Bus session bus.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { tempDir } from './helpers.js';

/** A running bus with an unlocked keyring. */
export interface SecretService {
  /** Variables that point a process at this bus and keyring. */
  env: Record<string, string>;
  /** Stops the keyring daemon (SIGSTOP): it keeps its bus name and answers nothing, like a hung daemon. */
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
}

function waitForLine(child: ChildProcess, pattern: RegExp, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}: ${out}`)), ms);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = pattern.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] ?? m[0]);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
  });
}

/** Resolves once org.freedesktop.secrets has an owner on the bus (asked with dbus-send); rejects at the deadline. */
async function waitForSecretsName(address: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const r = spawnSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.secrets'], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address },
      encoding: 'utf8',
    });
    if (/boolean true/.test(r.stdout ?? '')) return;
    if (Date.now() > deadline) throw new Error(`org.freedesktop.secrets has no owner after ${ms / 1000} s: ${r.stderr ?? ''}`);
    // Each question is a blocking round trip of its own; asking again at once is a busy loop.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Starts dbus-daemon and gnome-keyring-daemon (secrets component, unlocked with a test password). */
export async function startSecretService(): Promise<SecretService> {
  const root = tempDir();
  const runtime = join(root, 'run');
  mkdirSync(runtime, { mode: 0o700 });
  mkdirSync(join(root, 'home'));
  mkdirSync(join(root, 'data'));
  const bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1', `--address=unix:path=${join(runtime, 'bus')}`], { stdio: ['ignore', 'pipe', 'ignore'] });
  const address = (await waitForLine(bus, /^(unix:[^\n]+)\n/m, 10_000)).trim();
  const env = { DBUS_SESSION_BUS_ADDRESS: address, XDG_RUNTIME_DIR: runtime, XDG_DATA_HOME: join(root, 'data'), HOME: join(root, 'home') };
  const keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
    env: { ...env, PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  keyring.stdin!.end('test-password');
  // Ready means: the bus says the Secret Service name has an owner. (In --foreground mode the daemon
  // prints nothing to wait for.)
  const exited = new Promise<never>((_, reject) => keyring.on('exit', (code) => reject(new Error(`gnome-keyring-daemon exited with ${code}`))));
  exited.catch(() => undefined);
  try {
    await Promise.race([waitForSecretsName(address, 10_000), exited]);
  } catch (e) {
    keyring.kill();
    bus.kill();
    throw new Error(`gnome-keyring did not become ready: ${(e as Error).message}`);
  }
  return {
    env,
    freeze: () => void keyring.kill('SIGSTOP'),
    thaw: () => void keyring.kill('SIGCONT'),
    stop: async () => {
      keyring.kill('SIGCONT');
      keyring.kill();
      bus.kill();
    },
  };
}


/**
 * A Secret Service for the tests of the enclosing describe: started before them (frozen at once when
 * asked), stopped after them. Returns a getter, valid inside the tests.
 */
export function useSecretService(opts: { frozen?: boolean } = {}): () => SecretService {
  let service: SecretService | undefined;
  beforeAll(async () => {
    service = await startSecretService();
    if (opts.frozen) service.freeze();
  }, 30_000);
  afterAll(async () => service?.stop());
  return () => service!;
}
