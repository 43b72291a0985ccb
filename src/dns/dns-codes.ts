/** Wire numbers this server uses (RFC 1035, 2782, 3596, 6891). Numbers, not names, on the hot path. */
export const RCODE = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  /** Extended rcode (RFC 6891): 4 low bits in the header, the rest in the OPT record. */
  BADVERS: 16,
} as const;

export const TYPE = {
  A: 1,
  NS: 2,
  SOA: 6,
  PTR: 12,
  HINFO: 13,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  IXFR: 251,
  AXFR: 252,
  ANY: 255,
} as const;

export const CLASS = { IN: 1, ANY: 255 } as const;

/** Header flag bits (second 16-bit word). */
export const FLAG = {
  QR: 0x8000,
  AA: 0x0400,
  TC: 0x0200,
  RD: 0x0100,
  RA: 0x0080,
  CD: 0x0010,
} as const;

export const OPCODE_MASK = 0x7800;
export const HEADER_BYTES = 12;
/** DNS over UDP without EDNS (RFC 1035 4.2.1). */
export const UDP_PLAIN_LIMIT_BYTES = 512;
/** The DNS Flag Day 2020 payload size: avoids IP fragmentation on common paths. */
export const EDNS_UDP_LIMIT_BYTES = 1232;
/** A TCP frame's 2-byte length prefix caps every message (RFC 7766). */
export const TCP_LIMIT_BYTES = 65535;

const RCODE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(RCODE).map(([k, v]) => [v, k]));

export function rcodeName(rcode: number): string {
  return RCODE_NAMES[rcode] ?? `RCODE${rcode}`;
}
