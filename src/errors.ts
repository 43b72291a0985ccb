/**
 * One error class with a stable `code`. Messages start with the code so logs and tests can
 * branch on it; callers test `err.code`, never the text. Messages never carry secrets.
 */
export const ERROR_CODES = {
  WHEREZ_CONFIG_INVALID: 'the configuration does not match the schema',
  WHEREZ_CONFIG_READ: 'the configuration file could not be read or parsed',
  WHEREZ_PASSPHRASE_MISSING: 'a zone has no usable passphrase source',
  WHEREZ_BOOTSTRAP_INVALID: 'a DHT bootstrap entry is not host:port with a port in 1-65535',
  WHEREZ_LISTEN_DENIED: 'binding a socket needs privileges this process lacks',
  WHEREZ_LISTEN_IN_USE: 'the address and port are already in use',
  WHEREZ_LISTEN_FAILED: 'a socket could not be bound',
  WHEREZ_START_TIMEOUT: 'a start step (a bind, reading state) did not complete within its deadline',
  WHEREZ_STATE_WRITE: 'the state directory could not be written',
  WHEREZ_CLOSED: 'the object was closed',
  WHEREZ_ARGUMENT: 'an argument is out of range',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class WherezError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, detail: string, options?: { cause?: unknown }) {
    super(`${code}: ${detail}`, options);
    this.name = 'WherezError';
    this.code = code;
  }
}

export function wherezError(code: ErrorCode, detail: string = ERROR_CODES[code], cause?: unknown): WherezError {
  return new WherezError(code, detail, cause === undefined ? undefined : { cause });
}

export function isWherezError(err: unknown, code?: ErrorCode): err is WherezError {
  return err instanceof WherezError && (code === undefined || err.code === code);
}

/** Maps a failed bind to a coded error that says how to fix it. */
export function listenError(err: NodeJS.ErrnoException, what: string): WherezError {
  if (err.code === 'EACCES' || err.code === 'EPERM') {
    return wherezError('WHEREZ_LISTEN_DENIED',
      `cannot bind ${what}: ports below 1024 need root or CAP_NET_BIND_SERVICE ` +
      `(run "setcap cap_net_bind_service=+ep $(which node)", or listen on a port >= 1024)`, err);
  }
  if (err.code === 'EADDRINUSE') {
    return wherezError('WHEREZ_LISTEN_IN_USE',
      `cannot bind ${what}: already in use (another DNS server such as systemd-resolved or dnsmasq, ` +
      `or another wherez; pick another address or port)`, err);
  }
  if (err.code === 'EADDRNOTAVAIL') {
    return wherezError('WHEREZ_LISTEN_FAILED', `cannot bind ${what}: no interface has that address`, err);
  }
  return wherezError('WHEREZ_LISTEN_FAILED', `cannot bind ${what}: ${err.code ?? err.message}`, err);
}
