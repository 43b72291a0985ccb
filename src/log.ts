import { pino, type Logger, type DestinationStream } from 'pino';
import pinoPretty from 'pino-pretty';

export type { Logger };

export interface LogOptions {
  level?: string;
  destination?: DestinationStream;
  /**
   * Human-readable lines (pino-pretty: local time, level, message, fields) written to `stream`
   * instead of JSON, for a person at a terminal. Colours unless `colorize` is false.
   */
  pretty?: { stream: NodeJS.WritableStream; colorize: boolean };
}

/** Fields censored wherever they appear: a second line of defence, nothing should log them. */
const REDACT = ['passphrase', '*.passphrase', 'key', '*.key', 'secret', '*.secret'];

/**
 * Structured JSON logs (pino) to stderr by default, or pretty lines on a terminal. Components
 * take a child logger (`log.child({ component: 'dns' })`). Passphrases and keys are never
 * logged; redaction applies to both formats, before formatting.
 */
export function createLogger(opts: LogOptions = {}): Logger {
  const dest = opts.pretty
    ? pinoPretty({
      destination: opts.pretty.stream, sync: true, colorize: opts.pretty.colorize,
      // One line per event, the component in front: "[12:00:01.234] INFO: dns: listening {...}".
      translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,component', singleLine: true,
      messageFormat: '{if component}{component}: {end}{msg}',
    })
    : opts.destination ?? pino.destination({ fd: 2, sync: true });
  return pino({ level: opts.level ?? 'info', redact: { paths: REDACT, censor: '[redacted]' }, base: undefined }, dest);
}

/**
 * The CLI's choice: pretty when stderr is a terminal (and NO_COLOR drops the colours), JSON lines
 * otherwise (journald, files, pipes to jq), whatever the level.
 */
export function cliLogger(level: string, stderr: NodeJS.WritableStream & { isTTY?: boolean }, env: NodeJS.ProcessEnv): Logger {
  if (!stderr.isTTY) return createLogger({ level });
  return createLogger({ level, pretty: { stream: stderr, colorize: env.NO_COLOR === undefined || env.NO_COLOR === '' } });
}

/** A logger that drops everything: the default for library users who pass none. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
