/**
 * The auth flood of bench-attack-discovery as a process of its own, so its CPU is not taken from
 * the nodes it measures: `node dist/scripts/attack-auth-flood.js HOST PORT SOURCES CONNECTIONS`
 * (SOURCES: comma-separated local addresses). Prints `flooding` once started; stops on SIGTERM.
 */
import { startAuthFlood } from '../test/helpers/auth-flood.js';

const [host = '', port = '0', sources = '', connections = '1000'] = process.argv.slice(2);
const flood = startAuthFlood({ host, port: Number(port), sources: sources.split(','), connections: Number(connections), reconnectMs: 1_000 });
console.log('flooding');
process.once('SIGTERM', () => { void flood.stop().then(() => process.exit(0)); });
