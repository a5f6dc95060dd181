// Editing an environment file's text with the yaml package's Document API, so that comments, key
// order and formatting survive: set a value at a property path under `values` (env set), remove one
// (env rm), the first text of a new environment (env init), and the secrets of a text opened for
// `env edit` and sealed again after it. Pure: text in, text out (the keys are passed in as functions).

import { isMap, isScalar, isSeq, parseDocument, visit, YAMLMap, type Document, type Node } from 'yaml';
import type { Accessor } from '../esc/ast.js';
import { EscKubeError } from '../errors.js';

/** The text of a new, empty environment. */
export function newEnvironmentText(name: string): string {
  return `# Environment ${name}. Values go under values:, e.g. esc-kube env set ${name} aws.region us-west-2\nvalues: {}\n`;
}

/** Parses an environment's text for editing; a text that is not YAML is refused (nothing is written). */
function documentOf(text: string, file: string): Document.Parsed {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) throw new EscKubeError('env-diagnostics', `${file} is not valid YAML (${doc.errors[0]!.message.split('\n')[0]}); fix it first (esc-kube env check)`);
  if (doc.contents !== null && !isMap(doc.contents)) throw new EscKubeError('env-diagnostics', `${file} is not an environment: expected a mapping with values:`);
  return doc;
}

const step = (a: Accessor) => (a.kind === 'name' ? a.name : a.index);
const show = (accessors: readonly Accessor[]) => accessors.map((a, i) => (a.kind === 'name' ? `${i === 0 ? '' : '.'}${a.name}` : `[${JSON.stringify(a.index)}]`)).join('');

/** An fn:: call (a mapping whose only key starts with fn::), which a path cannot go into. */
function callName(node: unknown): string | undefined {
  if (!isMap(node) || node.items.length !== 1) return undefined;
  const key = node.items[0]!.key;
  const k = isScalar(key) ? String(key.value) : undefined;
  return k?.startsWith('fn::') ? k : undefined;
}

/**
 * Sets `value` (plain data, or a node made by the caller) at `values.<path>`, making the mappings on the
 * way; the key keeps its place when it exists. A path through something that is not a mapping (or a
 * list, for an index), or into an fn:: call, is an error that names the path.
 */
export function setValueText(text: string, file: string, accessors: readonly Accessor[], value: unknown): string {
  if (accessors.length === 0) throw new EscKubeError('usage', 'env set needs a path under values, such as aws.region');
  const doc = documentOf(text, file);
  if (doc.contents === null) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  const root = doc.contents as unknown as YAMLMap;
  let node = root.get('values', true) as Node | null | undefined;
  if (node === undefined || node === null || (isScalar(node) && node.value === null)) {
    root.set('values', new YAMLMap());
    node = root.get('values', true) as Node;
  }
  for (let i = 0; i < accessors.length; i++) {
    const a = accessors[i]!;
    const here = show(accessors.slice(0, i));
    const call = callName(node);
    if (call) throw new EscKubeError('usage', `cannot set ${show(accessors)}: ${here || 'values'} is an ${call} call, not a mapping`);
    const last = i === accessors.length - 1;
    if (isMap(node)) {
      // A value set into an empty flow mapping ({}) is written as a block, as people write them.
      if (node.flow && node.items.length === 0) node.flow = false;
      if (last) {
        node.set(step(a), doc.createNode(value));
        break;
      }
      let next = node.get(step(a), true) as Node | undefined;
      if (next === undefined || (isScalar(next) && next.value === null)) {
        node.set(step(a), new YAMLMap());
        next = node.get(step(a), true) as Node;
      }
      node = next;
    } else if (isSeq(node) && a.kind === 'subscript' && typeof a.index === 'number') {
      if (a.index < 0 || a.index > node.items.length) throw new EscKubeError('usage', `cannot set ${show(accessors)}: ${here} has ${node.items.length} elements`);
      if (last) {
        node.set(a.index, doc.createNode(value));
        break;
      }
      node = node.get(a.index, true) as Node;
    } else {
      throw new EscKubeError('usage', `cannot set ${show(accessors)}: ${here || 'values'} is not a mapping${isSeq(node) ? ' (it is a list: use an index such as [0])' : ''}`);
    }
  }
  return doc.toString({ flowCollectionPadding: false });
}

/** Removes the value at `values.<path>`; a path that is not there is an error. */
export function removeValueText(text: string, file: string, accessors: readonly Accessor[]): string {
  const doc = documentOf(text, file);
  const path = ['values', ...accessors.map(step)];
  if (!doc.hasIn(path)) throw new EscKubeError('path-not-found', `${file} has no value at ${show(accessors)}`);
  doc.deleteIn(path);
  return doc.toString({ flowCollectionPadding: false });
}

/** Every `fn::secret` mapping of a document, with its ciphertext (`{ciphertext: X}`) or its plaintext. */
function secretNodes(doc: Document.Parsed): { secret: YAMLMap; ciphertext?: string; plaintext?: string }[] {
  const found: { secret: YAMLMap; ciphertext?: string; plaintext?: string }[] = [];
  visit(doc, {
    Map(_key, node) {
      if (callName(node) !== 'fn::secret') return;
      const inner = node.items[0]!.value;
      if (isScalar(inner) && typeof inner.value === 'string') found.push({ secret: node, plaintext: inner.value });
      else if (isMap(inner) && inner.items.length === 1 && isScalar(inner.items[0]!.key) && inner.items[0]!.key.value === 'ciphertext' && isScalar(inner.items[0]!.value)) {
        found.push({ secret: node, ciphertext: String(inner.items[0]!.value.value) });
      }
    },
  });
  return found;
}

/** What `env edit` shows: the text with each ciphertext replaced by its plaintext, and what was replaced. */
export interface EditableText {
  text: string;
  /** Plaintext -> the ciphertext it came from, so that an unchanged secret keeps its ciphertext. */
  sealed: Map<string, string>;
  /** Secrets that were plaintext in the file already (they stay as they were). */
  plain: Set<string>;
}

/** Opens every ciphertext of the text for editing, with `decrypt` (which throws when it cannot). */
export async function editableText(text: string, file: string, decrypt: (ciphertext: string) => Promise<string>): Promise<EditableText> {
  const doc = documentOf(text, file);
  const sealed = new Map<string, string>();
  const nodes = secretNodes(doc);
  const plain = new Set(nodes.flatMap((n) => (n.plaintext === undefined ? [] : [n.plaintext])));
  for (const { secret, ciphertext } of nodes) {
    if (ciphertext === undefined) continue;
    const plaintext = await decrypt(ciphertext);
    sealed.set(plaintext, ciphertext);
    secret.items[0]!.value = doc.createNode(plaintext);
  }
  return { text: sealed.size === 0 ? text : doc.toString({ flowCollectionPadding: false }), sealed, plain };
}

/**
 * Seals the secrets of an edited text again: each `fn::secret: plaintext` that was a ciphertext (or is
 * new) becomes `fn::secret: {ciphertext}`, reusing the old ciphertext when the plaintext is unchanged;
 * secrets that were plaintext in the file stay so.
 */
export async function resealedText(edited: string, file: string, from: EditableText, encrypt: (plaintext: string) => Promise<string>): Promise<string> {
  const doc = documentOf(edited, file);
  const nodes = secretNodes(doc).filter((n): n is { secret: YAMLMap; plaintext: string } => n.plaintext !== undefined && !from.plain.has(n.plaintext));
  if (nodes.length === 0) return edited;
  for (const { secret, plaintext } of nodes) {
    const ciphertext = from.sealed.get(plaintext) ?? (await encrypt(plaintext));
    secret.items[0]!.value = doc.createNode({ ciphertext });
  }
  return doc.toString({ flowCollectionPadding: false });
}
