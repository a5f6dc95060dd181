import { describe, expect, it } from 'vitest';
import { editableText, newEnvironmentText, removeValueText, resealedText, setValueText } from '../../src/use-cases/edit-environment.js';
import { parsePath } from '../../src/esc/path.js';
import { decodeEnvelope } from '../../src/esc/crypt.js';
import { CiphertextError, decryptSecret, encryptSecret, NOT_OUR_KEY } from '../../src/esc/local-secret.js';

const accessors = (p: string) => {
  const r = parsePath(p);
  if ('error' in r) throw new Error(r.error);
  return r.accessors;
};
const text = `# team credentials
values:
  # AWS
  aws:
    region: us-west-2 # where
    secret: old
  list: [a, b]
  creds:
    fn::open::aws-login: {static: {accessKeyId: A, secretAccessKey: B}}
  other: 1
`;

describe('env set edits the text and keeps the rest', () => {
  it.each([
    ['an existing key, in its place', 'aws.secret', 'new', text.replace('secret: old', 'secret: new')],
    ['a new key, after the others', 'aws.zone', 'b', text.replace('    secret: old\n', '    secret: old\n    zone: b\n')],
    ['new mappings on the way', 'app.db.host', 'h', `${text}  app:\n    db:\n      host: h\n`],
    ['a list element', 'list[1]', 'c', text.replace('list: [a, b]', 'list: [a, c]')],
    ['a quoted key', 'aws["a.b"]', 1, text.replace('    secret: old\n', '    secret: old\n    a.b: 1\n')],
  ])('%s', (_n, path, value, want) => expect(setValueText(text, 'team.yaml', accessors(path), value)).toBe(want));

  it('writes into an empty environment as a block, and adds values: when there is none', () => {
    expect(setValueText(newEnvironmentText('team'), 't', accessors('a.b'), 1)).toBe(`${newEnvironmentText('team').replace('values: {}\n', '')}values:\n  a:\n    b: 1\n`);
    expect(setValueText('imports: [base]\n', 't', accessors('x'), 'y')).toBe('imports: [base]\nvalues:\n  x: y\n');
  });

  it.each([
    ['through a string', 'aws.region.zone', 'cannot set aws.region.zone: aws.region is not a mapping'],
    ['through a list by name', 'list.x', 'cannot set list.x: list is not a mapping (it is a list: use an index such as [0])'],
    ['into an fn:: call', 'creds.accessKeyId', 'cannot set creds.accessKeyId: creds is an fn::open::aws-login call, not a mapping'],
    ['past the end of a list', 'list[5]', 'cannot set list[5]: list has 2 elements'],
  ])('refuses a path %s, naming it', (_n, path, message) => {
    expect(() => setValueText(text, 'team.yaml', accessors(path), 'v')).toThrow(message);
  });

  it('refuses a file that is not YAML, and writes nothing', () => {
    expect(() => setValueText('values: [\n', 'bad.yaml', accessors('a'), 1)).toThrow(/^bad\.yaml is not valid YAML/);
  });
});

describe('env rm', () => {
  it('removes one value and keeps the rest', () => {
    expect(removeValueText(text, 't', accessors('aws.secret'))).toBe(text.replace('    secret: old\n', ''));
    expect(() => removeValueText(text, 'team.yaml', accessors('aws.nope'))).toThrow('team.yaml has no value at aws.nope');
  });
});

describe('secrets sealed with the environments key', () => {
  const key = Buffer.alloc(32, 3);
  it('open with the key they were sealed with, and nothing else', () => {
    const sealed = encryptSecret(key, 'wJalrXUtnFEMI', Buffer.alloc(12, 1));
    expect(sealed).toMatch(/^ZXNjeAAAAAE/); // "escx" and version 1: pulumi/esc's envelope
    expect(decryptSecret(key, decodeEnvelope(sealed))).toBe('wJalrXUtnFEMI');
    expect(() => decryptSecret(Buffer.alloc(32, 4), decodeEnvelope(sealed))).toThrow(new CiphertextError(NOT_OUR_KEY));
    expect(() => decryptSecret(undefined, decodeEnvelope(sealed))).toThrow(NOT_OUR_KEY);
    expect(NOT_OUR_KEY).toBe("invalid ciphertext: not encrypted with this machine's environments key");
  });
});

describe('env edit: secrets opened for the editor and sealed again', () => {
  const file = 'values:\n  a: {fn::secret: {ciphertext: CT-A}}\n  b:\n    fn::secret:\n      ciphertext: CT-B\n  c: {fn::secret: already-plain}\n';
  const decrypt = async (ct: string) => ({ 'CT-A': 'alpha', 'CT-B': 'beta' })[ct]!;
  let made = 0;
  const encrypt = async (p: string) => `NEW-${p}-${++made}`;

  it("shows plaintext, keeps an unchanged secret's ciphertext, seals a changed or new one, and leaves a plaintext secret as it was", async () => {
    const editable = await editableText(file, 'f', decrypt);
    expect(editable.text).toBe('values:\n  a: {fn::secret: alpha}\n  b:\n    fn::secret: beta\n  c: {fn::secret: already-plain}\n');
    const edited = editable.text.replace('beta', 'gamma') + '  d:\n    fn::secret: delta\n';
    expect(await resealedText(edited, 'f', editable, encrypt)).toBe(
      'values:\n  a: {fn::secret: {ciphertext: CT-A}}\n  b:\n    fn::secret:\n      ciphertext: NEW-gamma-1\n  c: {fn::secret: already-plain}\n  d:\n    fn::secret:\n      ciphertext: NEW-delta-2\n',
    );
  });

  it('refuses to open a text whose ciphertext this key cannot decrypt', async () => {
    await expect(editableText(file, 'f', async () => Promise.reject(new Error('invalid ciphertext: not encrypted with this machine\'s environments key')))).rejects.toThrow('invalid ciphertext');
  });
});
