import { LineCounter, parseDocument, visit, type Document, type ErrorCode } from 'yaml';
import { wherezError } from '../errors.js';
import { MAX_ZONES } from './schema.js';
import { duplicateKeys } from './yaml-lines.js';

/**
 * yaml's own messages may quote the offending source text, which could be a passphrase, so a
 * syntax error is reported by its code, described here, and its line and column only.
 */
const YAML_PROBLEMS: Partial<Record<ErrorCode, string>> = {
  BAD_DQ_ESCAPE: 'invalid escape sequence in a double-quoted string',
  BAD_INDENT: 'bad indentation',
  BAD_SCALAR_START: 'a plain value cannot start with this character (quote it)',
  BLOCK_AS_IMPLICIT_KEY: 'a block cannot be a key',
  DUPLICATE_KEY: 'duplicate key',
  MISSING_CHAR: 'missing character (an unclosed quote, bracket or brace, or no space after ":"?)',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line (missing ":" or a quote?)',
  MULTIPLE_DOCS: 'more than one YAML document',
  TAB_AS_INDENT: 'tab used for indentation (use spaces)',
  TAG_RESOLVE_FAILED: 'unknown tag',
  UNEXPECTED_TOKEN: 'unexpected token',
};

/** Aliases may expand to at most this many nodes: a YAML "billion laughs" file stays small. */
const MAX_ALIAS_COUNT = 100;

/**
 * Largest configuration accepted, bytes: 10,000 zones (MAX_ZONES) at 400 bytes each. Parsing is
 * synchronous, so this also bounds how long a start or `wherez check` cannot react to a signal.
 */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export interface ParsedYaml {
  readonly doc: Document;
  readonly lines: LineCounter;
  /** The document as plain data; an empty document is an empty mapping. */
  readonly data: unknown;
}

/** Parses YAML 1.2 (core schema: `yes`/`on` are strings), or throws WHEREZ_CONFIG_READ naming file:line:col. */
export function readYaml(text: string, file: string): ParsedYaml {
  if (Buffer.byteLength(text) > MAX_CONFIG_BYTES) {
    throw wherezError('WHEREZ_CONFIG_READ', `${file}: larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB, the limit (room for ${MAX_ZONES} zones)`);
  }
  const lines = new LineCounter();
  // Duplicate keys are found by duplicateKeys (linear); yaml's uniqueKeys is quadratic.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const problems = [
    ...doc.errors.map((e) => ({ pos: e.pos[0], code: e.code })),
    ...(doc.errors.length === 0 ? duplicateKeys(doc).map((pos) => ({ pos, code: 'DUPLICATE_KEY' as const })) : []),
  ].sort((a, b) => a.pos - b.pos);
  if (problems.length > 0) {
    const msgs = problems.map((e) => {
      const { line, col } = lines.linePos(e.pos);
      const what = YAML_PROBLEMS[e.code] ?? e.code.toLowerCase().replace(/_/g, ' ');
      return `${file}:${line}:${col}: YAML syntax: ${what}`;
    });
    throw wherezError('WHEREZ_CONFIG_READ',
      msgs.length === 1 ? (msgs[0] as string) : `${msgs.length} problems in ${file}\n  ${msgs.join('\n  ')}`);
  }
  const dangling: string[] = [];
  visit(doc, {
    Alias(_key, node) {
      if (node.resolve(doc) === undefined) dangling.push(`${file}:${lines.linePos(node.range?.[0] ?? 0).line}: YAML alias without anchor`);
    },
  });
  if (dangling.length > 0) throw wherezError('WHEREZ_CONFIG_READ', dangling.join('\n  '));
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    throw wherezError('WHEREZ_CONFIG_READ', `${file}: YAML aliases expand too much`, err);
  }
  return { doc, lines, data: data ?? {} };
}
