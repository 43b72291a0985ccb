import type { ErrorObject } from 'ajv';
import type { Issue } from './issues.js';
import { MAX_ZONES, ZONE_LABEL_PATTERN } from './schema.js';
import { pointerToPath } from './yaml-lines.js';

/**
 * Turns ajv errors into issues with a path and a plain message. Messages describe the rule, never
 * the offending value (which could be a passphrase); key names and type names are fine.
 */
export function schemaIssues(errors: readonly ErrorObject[], data: unknown): Issue[] {
  const issues: Issue[] = [];
  for (const err of errors) {
    const at = pointerToPath(err.instancePath, data);
    const issue = toIssue(err, at);
    if (issue !== null) issues.push(issue);
  }
  return issues;
}

function toIssue(err: ErrorObject, at: (string | number)[]): Issue | null {
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const known = Object.keys((err.parentSchema?.properties ?? {}) as object);
      const near = closest(key, known);
      const hint = near === undefined ? `known keys: ${known.join(', ')}` : `did you mean "${near}"?`;
      // Inside a zone a stray key may be a passphrase written where a key belongs: the line
      // locates it, the message never repeats it.
      if (at[0] === 'zones') return { path: [...at, key], shown: at, message: `unknown key on this line, not repeated here (${hint})` };
      return { path: [...at, key], message: `unknown key (${hint})` };
    }
    case 'propertyNames':
      return null; // reported through the 'pattern' error ajv raises alongside, which names the key
    case 'pattern':
      // A zone label is a key under `zones`, so it is shown like an unknown key there: by line only.
      if (err.propertyName !== undefined) return { path: [...at, err.propertyName], shown: at, message: labelMessage(err.propertyName) };
      return { path: at, message: patternMessage(at) };
    case 'type':
      return { path: at, message: `must be ${String(p.type)}, not ${typeName(err.data)}` };
    case 'enum':
      return { path: at, message: `must be one of ${(p.allowedValues as unknown[]).join(', ')}` };
    case 'dependencies':
      return {
        path: [...at, String(p.property)],
        message: `${String(p.property)} requires ${String(p.missingProperty)} (the TCP port of this zone's auth listener)`,
      };
    case 'minItems':
      return { path: at, message: `must list at least ${String(p.limit)} entr${p.limit === 1 ? 'y' : 'ies'}` };
    case 'minLength':
      return { path: at, message: 'must not be empty' };
    case 'maxProperties':
      if (at.length === 1 && at[0] === 'zones') return { path: at, message: tooManyZones(Object.keys(err.data as object).length) };
      return { path: at, message: err.message ?? err.keyword };
    default:
      return { path: at, message: err.message ?? err.keyword };
  }
}

function patternMessage(at: (string | number)[]): string {
  const key = at[at.length - 1];
  if (key === 'domain') return 'must be a DNS name: labels of letters, digits and inner hyphens, 1-63 each, no leading or trailing dot';
  if (key === 'host_domain') return 'must be a DNS name (no underscore): labels of letters, digits and inner hyphens, no leading or trailing dot';
  if (key === 'service') return 'must be an RFC 6335 service name: 1-15 lower-case letters, digits and inner hyphens (no two in a row), at least one letter';
  if (key === 'passphrase_env') return 'must be an environment variable name (letters, digits, underscore; not starting with a digit)';
  return 'has an invalid format';
}

export function tooManyZones(count: number): string {
  return `${count} zones; one daemon serves at most ${MAX_ZONES} (run another wherez for the rest)`;
}

/** Zone labels are rejected, not lower-cased: two keys differing in case would otherwise collide. */
function labelMessage(label: string): string {
  const base = 'zone label must be lower-case letters, digits and inner hyphens, 1-62 characters (it becomes the DNS label _<label>)';
  const lower = label.toLowerCase();
  if (lower !== label && new RegExp(ZONE_LABEL_PATTERN).test(lower)) return `${base} (write it in lower case)`;
  return base;
}

function typeName(v: unknown): string {
  if (v === null) return 'empty (null)';
  if (Array.isArray(v)) return 'a list';
  if (ArrayBuffer.isView(v)) return 'binary data';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number' && !Number.isInteger(v)) return 'a fraction';
  return `a ${typeof v}`;
}

/** The known key within edit distance 2 of `key`, if any: catches typos such as `auth_prot`. */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDist = 3;
  for (const k of known) {
    const d = editDistance(key, k);
    if (d < bestDist) { best = k; bestDist = d; }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur.push(Math.min(sub, (prev[j] as number) + 1, (cur[j - 1] as number) + 1));
    }
    prev = cur;
  }
  return prev[b.length] as number;
}
