// Editing an environment file's text with the yaml package's Document API, so that comments, key
// order and formatting survive: set a value at a property path under `values` (env set), remove one
// (env rm), and the first text of a new environment (env init). Pure: text in, text out.

import { isMap, isScalar, isSeq, parseDocument, YAMLMap, type Document, type Node } from 'yaml';
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
