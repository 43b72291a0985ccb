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
    return stripOneNewline(raw);
  }
  if (o.arg !== undefined) return Buffer.from(o.arg, 'utf8');
  const env = o.env.WHEREZ_PASSPHRASE;
  if (env !== undefined) return Buffer.from(env, 'utf8');
  throw wherezError('WHEREZ_PASSPHRASE_MISSING', 'give a passphrase: --passphrase-file FILE, the WHEREZ_PASSPHRASE environment variable, or an argument');
}
