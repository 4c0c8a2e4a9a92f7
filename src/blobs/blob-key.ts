import { sha256Hex } from '../node-crypto.js';
import { checkBlobKey } from './blob-store.js';

/**
 * The blob key of an attachment: `<tenant>/<yyyy>/<mm>/<id>`. The tenant is the first 16 hex
 * digits of sha256(tenantId) (tenant ids are host strings and never go raw into a path); the
 * year and month (UTC) of `now` spread the keys; the id is kept when it is 1-100 characters of
 * [a-z0-9_-] (a UUID is), else replaced by its sha256 hex (64 digits). Never built from a file name.
 */
export function blobKey(tenantId: string, attachmentId: string, now: Date): string {
  const tenant = sha256Hex(tenantId).slice(0, 16);
  const yyyy = String(now.getUTCFullYear()).padStart(4, '0');
  const mm = String(now.getUTCMonth() + 1).padStart(2, '0');
  // Kept only when already lower case: lower-casing would make 'Ab' and 'ab' one key.
  const id = /^[a-z0-9_-]{1,100}$/.test(attachmentId) ? attachmentId : sha256Hex(attachmentId);
  const key = `${tenant}/${yyyy}/${mm}/${id}`;
  checkBlobKey(key);
  return key;
}
