/**
 * A stand-in upstream resolver for tests: answers A queries for names under `example.` with
 * 192.0.2.7 (TEST-NET-1, never routed) and NXDOMAIN for anything else. Prints its port.
 * Run as a script (inside a test's network namespace) or imported.
 */
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';

export const STANDIN_ADDRESS = '192.0.2.7';

export function startStandin(host: string, port: number): Promise<{ port: number; close: () => Promise<void> }> {
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    let q: dnsPacket.Packet;
    try { q = dnsPacket.decode(msg); } catch { return; }
    const question = q.questions?.[0];
    if (!question) return;
    const known = /(^|\.)example$/i.test(question.name);
    const reply = dnsPacket.encode({
      id: q.id, type: 'response', flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (known ? 0 : 3),
      questions: [question],
      answers: known && question.type === 'A' ? [{ name: question.name, type: 'A', ttl: 60, data: STANDIN_ADDRESS }] : [],
    });
    sock.send(reply, rinfo.port, rinfo.address);
  });
  return new Promise((resolve) => {
    sock.bind(port, host, () => resolve({
      port: sock.address().port,
      close: () => new Promise<void>((r) => sock.close(() => r())),
    }));
  });
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() as string) && process.argv[2]) {
  const s = await startStandin(process.argv[2], Number(process.argv[3] ?? 0));
  console.log(`standin: ${s.port}`);
  process.once('SIGTERM', () => void s.close());
}
