import { isAlias, isMap, isScalar, isSeq, visit, type Document, type LineCounter, type Node, type YAMLMap } from 'yaml';

/** A location in the configuration: map keys and sequence indices, e.g. ['zones', 'ldap', 'ttl']. */
export type ConfigPath = readonly (string | number)[];

/** `zones.ldap.auth_port`, `listen[1]`, `zones["a.b"]`; the empty path is `(top level)`. */
export function formatPath(path: ConfigPath): string {
  if (path.length === 0) return '(top level)';
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/**
 * Converts an ajv instancePath (JSON pointer) into a ConfigPath, turning segments into numbers
 * where the data at that point is an array.
 */
export function pointerToPath(pointer: string, data: unknown): (string | number)[] {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let here: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(here)) {
      path.push(Number(seg));
      here = here[Number(seg)];
    } else {
      path.push(seg);
      here = here !== null && typeof here === 'object' ? (here as Record<string, unknown>)[seg] : undefined;
    }
  }
  return path;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/**
 * The 1-based line of the deepest node of `path` present in the document: the line of the key for
 * map entries (so a nested block points at its key, not at its first child), the line of the item
 * for sequence entries. A path that leaves the document (a missing key) stops at its parent.
 */
export function lineOf(doc: Document, lines: LineCounter, path: ConfigPath): number {
  let node: unknown = doc.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = keyIndex(node).get(String(seg));
      if (pair === undefined) break;
      offset = (pair.key as Node | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (item === undefined) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return lines.linePos(offset).line;
}

type MapPair = YAMLMap['items'][number];
const keyIndexes = new WeakMap<YAMLMap, Map<string, MapPair>>();

/**
 * A map's pairs by key text, built once per map: a config with N zones asks for N lines (one
 * warning per zone is common), and a linear search each time made that N^2.
 */
function keyIndex(map: YAMLMap): Map<string, MapPair> {
  let index = keyIndexes.get(map);
  if (index === undefined) {
    index = new Map();
    for (const pair of map.items) {
      const k = keyText(pair.key);
      if (!index.has(k)) index.set(k, pair);
    }
    keyIndexes.set(map, index);
  }
  return index;
}

/**
 * The first repeated key of each mapping, as the offset of its second occurrence. Checked here in
 * one pass with a Set: yaml's own `uniqueKeys` compares each key with every earlier one (N^2:
 * 50,000 zones took half a minute).
 */
export function duplicateKeys(doc: Document): number[] {
  const found: number[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const k = isScalar(pair.key) ? `${typeof pair.key.value}:${String(pair.key.value)}` : undefined;
        if (k === undefined) continue;
        if (seen.has(k)) { found.push((pair.key as Node).range?.[0] ?? 0); break; }
        seen.add(k);
      }
    },
  });
  return found;
}
