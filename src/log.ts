import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

export interface LogOptions {
  level?: string;
  destination?: DestinationStream;
}

/**
 * Structured JSON logs (pino) to stderr by default. Components take a child logger
 * (`log.child({ component: 'dns' })`). Passphrases and keys are never logged; the redact list
 * is a second line of defence for fields that might carry them by mistake.
 */
export function createLogger(opts: LogOptions = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      redact: { paths: ['passphrase', '*.passphrase', 'key', '*.key', 'secret', '*.secret'], censor: '[redacted]' },
      base: undefined,
    },
    opts.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

/** A logger that drops everything: the default for library users who pass none. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
