import { describe, expect, it } from 'vitest';
import { Redactor } from '../src/redactor.js';

const run = (secrets: string[], chunks: string[]) => {
  const r = new Redactor(secrets);
  return chunks.map((c) => r.push(c)).join('') + r.end();
};

describe('Redactor', () => {
  it('replaces secrets', () => expect(run(['hunter2'], ['pw=hunter2\n'])).toBe('pw=[secret]\n'));
  it('replaces a secret split across chunks', () => expect(run(['hunter2'], ['pw=hun', 'ter2!'])).toBe('pw=[secret]!'));
  it('splits at every position', () => {
    const text = 'a hunter2 b hunter2';
    for (let i = 0; i <= text.length; i++) expect(run(['hunter2'], [text.slice(0, i), text.slice(i)])).toBe('a [secret] b [secret]');
  });
  it('prefers the longest secret', () => expect(run(['abc', 'abcdef'], ['xabcdefx'])).toBe('x[secret]x'));
  it('does not redact its own placeholder', () => expect(run(['secret'], ['my secret'])).toBe('my [secret]'));
  it('passes text through without secrets', () => expect(run([], ['a', 'b'])).toBe('ab'));
});

it('passes on at once output that cannot be the start of a secret', () => {
  const r = new Redactor(['hunter2']);
  expect(r.push('path/file-0\n')).toBe('path/file-0\n');
  expect(r.push('pw=hun')).toBe('pw=');
  expect(r.push('ter2')).toBe('[secret]');
});
