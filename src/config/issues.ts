import { wherezError, type ErrorCode, type WherezError } from '../errors.js';
import { formatPath, type ConfigPath } from './yaml-lines.js';

/** One problem found in the configuration. Messages never carry passphrase values. */
export interface Issue {
  /** Where the problem is (finds the line). */
  readonly path: ConfigPath;
  /** What the message shows instead of `path`, when a key on it could be a secret. */
  readonly shown?: ConfigPath;
  readonly message: string;
  /** Defaults to WHEREZ_CONFIG_INVALID. */
  readonly code?: ErrorCode;
}

/** Maps a path to its 1-based line in the configuration file. */
export interface Locator {
  readonly file: string;
  lineOf(path: ConfigPath): number;
}

/** Errors and warnings gathered while resolving, so one run reports all of them. */
export class Findings {
  readonly issues: Issue[] = [];
  readonly warnings: Issue[] = [];
  error(path: ConfigPath, message: string, code?: ErrorCode): void {
    this.issues.push({ path, message, code });
  }
  warn(path: ConfigPath, message: string): void {
    this.warnings.push({ path, message });
  }
}

/** `zones.yaml:12: zones.ldap.auth_port: must be <= 65535`, the format of errors and warnings alike. */
export function formatIssue(issue: Issue, where: Locator): string {
  return `${where.file}:${where.lineOf(issue.path)}: ${formatPath(issue.shown ?? issue.path)}: ${issue.message}`;
}

/** When one run finds several kinds of problems, the error carries the most fundamental code. */
const CODE_PRIORITY: readonly ErrorCode[] = [
  'WHEREZ_CONFIG_INVALID', 'WHEREZ_BOOTSTRAP_INVALID', 'WHEREZ_PASSPHRASE_MISSING',
];

/**
 * One coded error for all issues, one line each, sorted by line. A single issue reads
 * `CODE: file:line: path: message`; several read `CODE: N problems in file` followed by the lines.
 */
export function issuesError(issues: readonly Issue[], where: Locator): WherezError {
  const codes = new Set(issues.map((i) => i.code ?? 'WHEREZ_CONFIG_INVALID'));
  const code = CODE_PRIORITY.find((c) => codes.has(c)) ?? 'WHEREZ_CONFIG_INVALID';
  const lines = issues
    .map((issue) => ({ line: where.lineOf(issue.path), text: formatIssue(issue, where) }))
    .sort((a, b) => a.line - b.line)
    .map((l) => l.text);
  if (lines.length === 1) return wherezError(code, lines[0]);
  return wherezError(code, `${lines.length} problems in ${where.file}\n  ${lines.join('\n  ')}`);
}
