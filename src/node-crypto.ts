/**
 * node:crypto, fetched on first use: it is not in Node's start-up snapshot, and loading it
 * costs ~3 ms that `import('ticketry')` should not pay (issue 13) before anything is hashed
 * or an id is made.
 */
import type * as NodeCrypto from 'node:crypto';

let loaded: typeof NodeCrypto | undefined;

/** node:crypto itself (looked up once: every id of every write comes through here). */
export function nodeCrypto(): typeof NodeCrypto {
  return (loaded ??= process.getBuiltinModule('node:crypto'));
}

/** The SHA-256 of `data` (a string as UTF-8), in hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return nodeCrypto().createHash('sha256').update(data).digest('hex');
}
