import { readFile } from 'node:fs/promises';
import { wherezError } from '../errors.js';
import { stripOneNewline } from '../config/passphrase.js';

/**
 * Where `wherez find` takes the passphrase from, in order: --passphrase-file, the positional
 * argument, the WHEREZ_PASSPHRASE environment variable. A file's single trailing newline is
 * dropped (editors add one); all other bytes are the passphrase, as Go took argv raw.
 */
export async function resolveCliPassphrase(o: { file?: string; arg?: string; env: NodeJS.ProcessEnv }): Promise<Buffer> {
  if (o.file !== undefined) {
    let raw: Buffer;
    try {
      raw = await readFile(o.file);
    } catch (err) {
      throw wherezError('WHEREZ_PASSPHRASE_MISSING', `cannot read passphrase file ${o.file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    return nonEmpty(stripOneNewline(raw), `passphrase file ${o.file} is empty`);
  }
  if (o.arg !== undefined) return nonEmpty(Buffer.from(o.arg, 'utf8'), 'the passphrase argument is empty');
  const env = o.env.WHEREZ_PASSPHRASE;
  if (env !== undefined) return nonEmpty(Buffer.from(env, 'utf8'), 'environment variable WHEREZ_PASSPHRASE is unset or empty');
  throw wherezError('WHEREZ_PASSPHRASE_MISSING', 'give a passphrase: --passphrase-file FILE, the WHEREZ_PASSPHRASE environment variable, or an argument');
}

/**
 * An empty passphrase is refused, as in the config (config/passphrase.ts): its infohash is
 * public knowledge, so every empty-passphrase node in the world would meet there.
 */
function nonEmpty(bytes: Buffer, why: string): Buffer {
  if (bytes.length === 0) throw wherezError('WHEREZ_PASSPHRASE_MISSING', why);
  return bytes;
}
