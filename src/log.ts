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
 * The child loggers (and their children) made from each logger createLogger built, held weakly:
 * pino copies a parent's level into a child when it is made (docs/api.md, `logger.child`), so a
 * new level set on the root alone is not guaranteed to reach the components' loggers.
 */
const families = new WeakMap<Logger, Set<WeakRef<Logger>>>();
/** Dead references are swept when a family reaches this size, then at twice the live count. */
const SWEEP_AT_LEAST = 64;

function family(): { set: Set<WeakRef<Logger>>; onChild: (child: Logger) => void } {
  const set = new Set<WeakRef<Logger>>();
  let sweepAt = SWEEP_AT_LEAST;
  const onChild = (child: Logger) => {
    set.add(new WeakRef(child));
    if (set.size < sweepAt) return;
    for (const ref of set) if (ref.deref() === undefined) set.delete(ref);
    sweepAt = Math.max(SWEEP_AT_LEAST, 2 * set.size);
  };
  return { set, onChild };
}

/**
 * Sets the level of a logger made by createLogger (or cliLogger) and of every child logger made
 * from it so far, at any depth: the one level source of the process (log_level, applied again on
 * SIGHUP). Children made later copy it from their parent. Any other logger only gets its own level.
 */
export function setLogLevel(root: Logger, level: string): void {
  root.level = level;
  for (const ref of families.get(root) ?? []) {
    const child = ref.deref();
    if (child) child.level = level;
  }
}

/**
 * Structured JSON logs (pino) to stderr by default, or pretty lines on a terminal. Components
 * take a child logger (`log.child({ component: 'dns' })`) and follow the root's level
 * (`setLogLevel`). Passphrases and keys are never logged; redaction applies to both formats,
 * before formatting.
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
  const children = family();
  const root = pino({ level: opts.level ?? 'info', redact: { paths: REDACT, censor: '[redacted]' }, base: undefined, onChild: children.onChild }, dest);
  families.set(root, children.set);
  return root;
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
