import { expect, test } from 'vitest';
import { checkUpload } from '../../src/attachments/check-upload.js';
import { DEFAULT_ATTACHMENT_LIMITS } from '../../src/attachments/limits.js';
import { isFileTypeLoaded } from '../../src/attachments/sniff-type.js';
import { png } from './fixtures.js';

/*
 * file-type is ESM-only and not needed until the first upload: it loads then, through
 * `import()`, never when ticketry is imported. Vitest gives this file its own module
 * instances, so the flag starts fresh here.
 */
test('file-type loads on the first upload, not on import', async () => {
  expect(isFileTypeLoaded()).toBe(false);
  const upload = await checkUpload({ filename: 'a.png', content: png() }, 0, DEFAULT_ATTACHMENT_LIMITS);
  expect(isFileTypeLoaded()).toBe(true);
  await upload.discard();
});
