// One temporary directory for the whole test run: every directory the tests make with os.tmpdir()
// (tempDir, mkdtemp, certificates, keyrings) goes under it, and it is removed when the run ends, pass
// or fail. Workers inherit TMPDIR, since they start after this setup.

import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'esc-kube-tests-'));
  // Traversable by others (the directories inside stay 0700): tests that act as another uid need a way in.
  chmodSync(root, 0o755);
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
