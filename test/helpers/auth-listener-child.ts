/** Runs one AuthListener (for tests that need a process of its own, e.g. with a low fd limit). */
import { AuthListener } from '../../src/discovery/listener.js';
import { SelfDetector } from '../../src/discovery/self-detector.js';

const l = new AuthListener({ passphrase: Buffer.from('emfile'), appPort: 7070, host: '127.0.0.1', port: 0, self: new SelfDetector(), maxConnections: 1000, maxConnectionsPerIp: 1000, maxConnectionsPerPrefix: 1000, deadlineMs: 60_000 });
const port = await l.start();
console.log(`port: ${port}`);
process.once('SIGTERM', () => void l.close());
