import { Writable } from 'node:stream';

/** A stdout/stderr stand-in for in-process CLI runs; `isTTY` as a terminal would set it. */
export class Capture extends Writable {
  text = '';
  isTTY: boolean;
  private readonly waiters: Array<{ re: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];
  constructor(isTTY = false) { super(); this.isTTY = isTTY; }
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    for (const w of [...this.waiters]) {
      const m = this.text.match(w.re);
      if (m) { this.waiters.splice(this.waiters.indexOf(w), 1); w.resolve(m); }
    }
    cb();
  }

  /** Resolves once the text written so far matches `re`. */
  until(re: RegExp): Promise<RegExpMatchArray> {
    const m = this.text.match(re);
    return m ? Promise.resolve(m) : new Promise((resolve) => this.waiters.push({ re, resolve }));
  }
}
