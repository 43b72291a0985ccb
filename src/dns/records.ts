/** The records this server emits, as plain data. Names are validated, lower case, no trailing dot. */
export type Rr =
  | { type: 'A' | 'AAAA'; name: string; ttl: number; address: Buffer }
  | { type: 'SRV'; name: string; ttl: number; priority: number; weight: number; port: number; target: string }
  | { type: 'TXT'; name: string; ttl: number; strings: readonly string[] }
  | { type: 'PTR' | 'NS'; name: string; ttl: number; target: string }
  | {
      type: 'SOA'; name: string; ttl: number; mname: string; rname: string;
      serial: number; refresh: number; retry: number; expire: number; minimum: number;
    };

/** One zone answer before encoding. Additional data is kept as RRsets so it can be cut whole. */
export interface AnswerSet {
  rcode: number;
  answers: Rr[];
  authorities: Rr[];
  additionals: Rr[][];
}
