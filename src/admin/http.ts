import http from 'node:http';
import type { Registry } from 'prom-client';
import type { Endpoint } from '../net/endpoint.js';
import { listenError } from '../errors.js';
import type { Logger } from '../log.js';
import { formatEndpoint } from '../net/endpoint.js';

/**
 * The admin endpoint: GET /metrics (Prometheus text) and GET /status (JSON). Read-only, small,
 * bounded: requests with a body or another method are refused.
 */
export class AdminServer {
  private readonly server: http.Server;
  private closed = false;

  constructor(private readonly endpoint: Endpoint, registry: Registry, status: () => unknown, log: Logger) {
    this.server = http.createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET') { res.writeHead(405, { allow: 'GET' }).end(); return; }
      if (path === '/metrics') {
        registry.metrics().then(
          (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
          (err: Error) => { log.warn({ err: err.message }, 'metrics failed'); res.writeHead(500).end(); },
        );
      } else if (path === '/status') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(status()));
      } else {
        res.writeHead(404).end();
      }
    });
    this.server.requestTimeout = 5_000;
    this.server.headersTimeout = 5_000;
    this.server.maxConnections = 64;
  }

  start(): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => reject(listenError(err, `metrics tcp ${formatEndpoint(this.endpoint)}`));
      this.server.once('error', onError);
      this.server.listen(this.endpoint.port, this.endpoint.host, () => {
        this.server.off('error', onError);
        resolve((this.server.address() as { port: number }).port);
      });
    });
  }

  close(): Promise<void> {
    if (this.closed || !this.server.listening) { this.closed = true; return Promise.resolve(); }
    this.closed = true;
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
