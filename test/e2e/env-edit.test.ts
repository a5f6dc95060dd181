// env edit through the binary with a scripted $EDITOR: a good change saved; a broken change shown,
// then edited again or discarded (the file unchanged); secrets shown in plaintext in the editor and
// encrypted again on save; the private copy removed afterwards, also after SIGINT.

import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BIN, cleanEnv, runCommand, runEscKube, tempDir, type RunResult } from './helpers.js';

const KEY = Buffer.alloc(32, 5).toString('base64');
const OLD = 'old-secret-value-7f3a';
const NEW = 'new-secret-value-9c1d';
const outputs: RunResult[] = [];

/** An environment with a comment and an encrypted secret, and an editor script that runs `body` on "$1". */
async function setup(body: string) {
  const dir = tempDir({ 'team.yaml': '# the team (this comment stays)\nvalues:\n  aws:\n    region: us-west-2 # where\n' });
  const work = tempDir();
  const editor = join(work, 'editor.sh');
  writeFileSync(editor, `#!/bin/sh\nset -e\necho "$1" >> '${join(work, 'paths.log')}'\n${body}\n`);
  chmodSync(editor, 0o755);
  const env = cleanEnv({ ESC_KUBE_ENV_KEY: KEY, ESC_KUBE_CACHE: 'none', HOME: tempDir(), XDG_CONFIG_HOME: tempDir(), EDITOR: editor, WORK: work });
  const set = await runCommand(process.execPath, [BIN, '--env-dir', dir, 'env', 'set', 'team', 'db.password', '-', '--secret'], { env, input: OLD });
  expect(set.code, set.stderr).toBe(0);
  const file = join(dir, 'team.yaml');
  const edit = async (input = '') => {
    const r = await runCommand(process.execPath, [BIN, '--env-dir', dir, 'env', 'edit', 'team'], { env, input });
    outputs.push(r);
    return r;
  };
  const copies = () => readFileSync(join(work, 'paths.log'), 'utf8').trim().split('\n');
  return { dir, work, env, file, edit, copies, before: readFileSync(file, 'utf8') };
}

describe('env edit with a scripted $EDITOR', () => {
  it('a good change is saved; comments and the unchanged secret (its very ciphertext) stay; the copy is removed', async () => {
    const s = await setup(`sed -i 's/region: us-west-2/region: eu-west-1/' "$1"`);
    const r = await s.edit();
    expect(r.stderr).toBe(`esc-kube: saved ${s.file}\n`);
    expect(r.code).toBe(0);
    expect(readFileSync(s.file, 'utf8')).toBe(s.before.replace('region: us-west-2', 'region: eu-west-1'));
    expect(s.copies()).toHaveLength(1);
    expect(existsSync(s.copies()[0]!)).toBe(false);
  });

  it('a broken change: the errors are shown and, discarded, the file is left unchanged (exit 1)', async () => {
    const s = await setup(`printf '  broken: \${aws.regoin}\\n' >> "$1"`);
    const r = await s.edit('d\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`esc-kube: the edit has 1 error; ${s.file} is not saved yet\n`);
    expect(r.stderr).toContain('unknown property "regoin"; did you mean "region"?');
    expect(r.stderr).toContain('esc-kube: edit again (e) or discard the changes (d)? ');
    expect(r.stderr).toContain(`esc-kube: discarded; ${s.file} is unchanged\n`);
    expect(readFileSync(s.file, 'utf8')).toBe(s.before);
    expect(existsSync(s.copies()[0]!)).toBe(false);
  });

  it('a broken change edited again (e) and fixed is saved', async () => {
    // The first run breaks the file; the second fixes the reference.
    const s = await setup(`if [ -e "$WORK/second" ]; then sed -i 's/regoin/region/' "$1"; else touch "$WORK/second"; printf '  broken: \${aws.regoin}\\n' >> "$1"; fi`);
    const r = await s.edit('e\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`esc-kube: saved ${s.file}\n`);
    expect(parse(readFileSync(s.file, 'utf8')).values.broken).toBe('${aws.region}');
    expect(s.copies()).toHaveLength(2);
  });

  it('secrets are plaintext in the editor and encrypted again on save', async () => {
    const s = await setup(`cp "$1" "$WORK/seen.yaml"; sed -i 's/${OLD}/${NEW}/' "$1"`);
    const r = await s.edit();
    expect(r.code, r.stderr).toBe(0);
    // What the editor was shown: the secret as plaintext.
    expect(readFileSync(join(s.work, 'seen.yaml'), 'utf8')).toContain(`fn::secret: ${OLD}`);
    const saved = readFileSync(s.file, 'utf8');
    expect(saved).not.toContain(NEW);
    expect(saved).not.toContain(OLD);
    expect(parse(saved).values.db.password['fn::secret'].ciphertext).toMatch(/^ZXNjeAAAAAE/);
    const opened = await runEscKube(['--env-dir', s.dir, 'env', 'open', 'team', 'db.password'], { env: s.env });
    expect(JSON.parse(opened.stdout)).toBe(NEW);
  });

  it('SIGINT while the editor runs: the copy is removed and the file is unchanged', async () => {
    const s = await setup(`echo "READY" >&2\nexec sleep 30`);
    const child = spawn(process.execPath, [BIN, '--env-dir', s.dir, 'env', 'edit', 'team'], { env: s.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    // Decided by the editor's own signal that it is running, not by a sleep.
    await new Promise<void>((ready) => child.stderr.on('data', (b: Buffer) => ((stderr += b.toString()), stderr.includes('READY') && ready())));
    const copy = s.copies()[0]!;
    expect(existsSync(copy)).toBe(true);
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    child.kill('SIGINT');
    const code = await exited;
    outputs.push({ code: code ?? -1, stdout: '', stderr } as RunResult);
    expect(code).toBe(130);
    expect(stderr).toContain(`exited with 130; ${s.file} is unchanged`);
    expect(existsSync(copy)).toBe(false);
    expect(readFileSync(s.file, 'utf8')).toBe(s.before);
    expect(stderr).not.toContain(OLD);
  });

  it('no secret in any message', () => {
    expect(outputs.length).toBeGreaterThanOrEqual(5);
    for (const o of outputs) {
      expect(o.stderr).not.toContain(OLD);
      expect(o.stderr).not.toContain(NEW);
    }
  });
});
