#!/usr/bin/env python3
"""Userspace netem for scripts/sim: delay, jitter and loss on every IPv4 packet between the
simulator's addresses, for kernels without sch_netem (no tc netem here).

Run inside the simulator's namespace. Policy routing (set up by scripts/sim/netns.ts) sends
every packet to a 10.x address through this TUN device instead of loopback; we hold each one
for its one-way delay (so a round trip costs 2 x delay), drop some, and write it back, where the
kernel delivers it locally. UDP and TCP alike, so DHT queries and auth handshakes both pay.

It is also the packet sniffer of the politeness figures: it counts DHT queries (UDP payloads
carrying the KRPC "y":"q" key) per source address and, per source, the most sent to any one
destination. SIGUSR1 prints those counters as one JSON line and starts a new window.

usage: netem-tun.py DEV DELAY_MS JITTER_MS LOSS_PERCENT SEED
Prints "ready" once the device exists; counters on SIGUSR1; totals on SIGTERM/SIGINT, then exits.
"""
import fcntl, heapq, json, os, random, select, signal, struct, sys, time

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000

def main():
    dev, delay_ms, jitter_ms, loss_pct, seed = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
    rnd = random.Random(seed)
    fd = os.open('/dev/net/tun', os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', dev.encode(), IFF_TUN | IFF_NO_PI))
    os.set_blocking(fd, False)
    heap, seq = [], 0
    counts = {'packets': 0, 'dropped': 0, 'bytes': 0}
    stop, dump = [], []
    queries, pairs = {}, {}
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    signal.signal(signal.SIGUSR1, lambda *_: dump.append(1))
    print('ready', flush=True)
    while not stop:
        if dump:
            dump.clear()
            per_src = {}
            for (src, dst), n in pairs.items():
                per_src[src] = max(per_src.get(src, 0), n)
            print(json.dumps({'queries': queries, 'maxPerDst': per_src}), flush=True)
            queries, pairs = {}, {}
        now = time.monotonic()
        while heap and heap[0][0] <= now:
            _, _, pkt = heapq.heappop(heap)
            try:
                os.write(fd, pkt)
            except OSError:
                pass
        wait = max(0.0, heap[0][0] - now) if heap else 0.5
        try:
            r, _, _ = select.select([fd], [], [], wait)
        except InterruptedError:
            continue
        if not r:
            continue
        for _ in range(256):
            try:
                pkt = os.read(fd, 65536)
            except BlockingIOError:
                break
            except OSError:
                break
            counts['packets'] += 1
            if len(pkt) > 28 and pkt[9] == 17:
                ihl = (pkt[0] & 15) * 4
                if b'1:y1:q' in pkt[ihl + 8:]:
                    src, dst = '.'.join(map(str, pkt[12:16])), '.'.join(map(str, pkt[16:20]))
                    queries[src] = queries.get(src, 0) + 1
                    pairs[(src, dst)] = pairs.get((src, dst), 0) + 1
            counts['bytes'] += len(pkt)
            if loss_pct > 0 and rnd.random() * 100 < loss_pct:
                counts['dropped'] += 1
                continue
            d = delay_ms + (rnd.uniform(-jitter_ms, jitter_ms) if jitter_ms > 0 else 0)
            seq += 1
            heapq.heappush(heap, (time.monotonic() + max(0.0, d) / 1000, seq, pkt))
    print(json.dumps(counts), flush=True)

if __name__ == '__main__':
    main()
