// Merging entries into a kubeconfig as kubectl would read it: entries with other names, comments,
// ordering and unknown fields survive; entries with the same name are replaced; current-context is
// set. A file that is not a kubeconfig is refused (and so never overwritten). Pure: text in, text out.

import { isMap, isScalar, isSeq, parseDocument, YAMLMap, YAMLSeq, type Document } from 'yaml';

/** A named kubeconfig entry: `{name, cluster|user|context: {...}}`. */
export interface NamedEntry {
  name: string;
  [field: string]: unknown;
}

/** What to merge. */
export interface KubeconfigEntries {
  clusters: NamedEntry[];
  users: NamedEntry[];
  contexts: NamedEntry[];
  currentContext?: string;
}

/** Thrown when the existing text is not a kubeconfig; the file must then be left alone. */
export class NotAKubeconfig extends Error {}

/** Merges entries into kubeconfig text (empty text starts a new kubeconfig); returns the new text. */
export function mergeKubeconfig(existing: string, entries: KubeconfigEntries): string {
  const doc = existing.trim() === '' ? newKubeconfig() : parseKubeconfig(existing);
  for (const section of ['clusters', 'users', 'contexts'] as const) {
    let seq = doc.get(section, true);
    if (seq === undefined || seq === null || (isScalar(seq) && seq.value === null)) {
      seq = new YAMLSeq();
      doc.set(section, seq);
    }
    const list = seq as YAMLSeq;
    // An empty list ([]) gets block style when entries arrive; a list with entries keeps its style.
    if (list.items.length === 0 && entries[section].length > 0) list.flow = false;
    for (const entry of entries[section]) {
      const node = doc.createNode(entry);
      const at = list.items.findIndex((item) => isMap(item) && item.get('name') === entry.name);
      if (at >= 0) {
        // Keep the comment written above the entry; replace the entry itself.
        (node as YAMLMap).commentBefore = (list.items[at] as YAMLMap).commentBefore;
        list.items[at] = node;
      } else {
        list.items.push(node);
      }
    }
  }
  if (entries.currentContext !== undefined) doc.set('current-context', entries.currentContext);
  return doc.toString({ lineWidth: 0 });
}

function newKubeconfig(): Document {
  return parseDocument('apiVersion: v1\nkind: Config\npreferences: {}\nclusters: []\nusers: []\ncontexts: []\n');
}

/** Parses and checks kubeconfig text; throws NotAKubeconfig with the reason. */
export function parseKubeconfig(text: string): Document {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const where = e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}: ` : '';
    throw new NotAKubeconfig(`it is not valid YAML (${where}${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')})`);
  }
  const root = doc.contents;
  if (!isMap(root)) throw new NotAKubeconfig('it is not a YAML mapping with clusters, users and contexts');
  const kind = root.toJSON().kind as unknown;
  if (kind !== undefined && kind !== null && kind !== 'Config') throw new NotAKubeconfig(`its kind is ${JSON.stringify(kind)}, not "Config"`);
  const apiVersion = root.toJSON().apiVersion as unknown;
  if (apiVersion !== undefined && apiVersion !== null && apiVersion !== 'v1') throw new NotAKubeconfig(`its apiVersion is ${JSON.stringify(apiVersion)}, not "v1"`);
  for (const section of ['clusters', 'users', 'contexts']) {
    const seq = root.get(section, true);
    if (seq === undefined || (isScalar(seq) && seq.value === null)) continue;
    if (!isSeq(seq) || !seq.items.every((i) => isMap(i))) throw new NotAKubeconfig(`its ${section} is not a list of entries`);
  }
  if (kind === undefined && !['clusters', 'users', 'contexts'].some((s) => root.has(s))) {
    throw new NotAKubeconfig('it has no kind: Config and no clusters, users or contexts');
  }
  return doc;
}

/** The named entries of one section of kubeconfig data (plain JS). */
export function entriesOf(config: unknown, section: 'clusters' | 'users' | 'contexts'): NamedEntry[] {
  const list = (config as Record<string, unknown> | null)?.[section];
  return Array.isArray(list) ? list.filter((e): e is NamedEntry => typeof e?.name === 'string') : [];
}
