import { describe, expect, test } from 'vitest';
import { CHECKABLE_ATTACHMENT_TYPES, DEFAULT_ALLOWED_TYPES } from '../../src/attachments/allowed-types.js';
import { attachmentLimitsSchema, DEFAULT_ATTACHMENT_LIMITS, resolveAttachmentLimits } from '../../src/attachments/limits.js';
import { TicketError } from '../../src/errors.js';

describe('attachment limits', () => {
  test('defaults: 10 MiB, 10 files, seed 004 types', () => {
    expect(DEFAULT_ATTACHMENT_LIMITS).toEqual({
      maxFileBytes: 10 * 1024 * 1024,
      maxFiles: 10,
      allowedTypes: [
        'image/png',
        'image/jpeg',
        'image/gif',
        'application/pdf',
        'text/plain',
        'application/msword',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'application/zip',
        'application/gzip',
      ],
    });
    expect(attachmentLimitsSchema().parse({})).toEqual(DEFAULT_ATTACHMENT_LIMITS);
    expect(resolveAttachmentLimits()).toEqual(DEFAULT_ATTACHMENT_LIMITS);
    expect(Object.isFrozen(DEFAULT_ATTACHMENT_LIMITS)).toBe(true);
  });

  test('each field is optional; the others keep their defaults; duplicates are dropped', () => {
    expect(resolveAttachmentLimits({ maxFiles: 3 })).toEqual({ ...DEFAULT_ATTACHMENT_LIMITS, maxFiles: 3 });
    expect(resolveAttachmentLimits({ maxFileBytes: 1024 }).maxFileBytes).toBe(1024);
    expect(resolveAttachmentLimits({ allowedTypes: ['image/png', 'image/webp', 'image/png'] }).allowedTypes).toEqual(['image/png', 'image/webp']);
    expect(resolveAttachmentLimits({ maxFiles: 0 }).maxFiles).toBe(0);
  });

  test('every default type is checkable', () => {
    for (const type of DEFAULT_ALLOWED_TYPES) expect(CHECKABLE_ATTACHMENT_TYPES).toContain(type);
  });

  test.each([
    [{ allowedTypes: ['text/html'] }, 'attachments.allowedTypes.0', /Unknown attachment type "text\/html"/],
    [{ allowedTypes: ['image/png', 'image/svg+xml'] }, 'attachments.allowedTypes.1', /image\/svg\+xml/],
    [{ allowedTypes: ['application/x-msdownload'] }, 'attachments.allowedTypes.0', /can check only these types/],
    [{ allowedTypes: ['IMAGE/PNG'] }, 'attachments.allowedTypes.0', /IMAGE\/PNG/],
    [{ allowedTypes: 'image/png' }, 'attachments.allowedTypes', /Invalid attachments.allowedTypes/],
    [{ maxFileBytes: 0 }, 'attachments.maxFileBytes', /maxFileBytes/],
    [{ maxFileBytes: 1.5 }, 'attachments.maxFileBytes', /maxFileBytes/],
    [{ maxFiles: -1 }, 'attachments.maxFiles', /maxFiles/],
    [{ maxfiles: 3 }, 'attachments', /maxfiles/],
  ])('%j is a config error on %s', (input, field, message) => {
    let err: unknown;
    try {
      resolveAttachmentLimits(input);
    } catch (e) {
      err = e;
    }
    expect(TicketError.is(err, 'config')).toBe(true);
    expect((err as TicketError).params['field']).toBe(field);
    expect((err as Error).message).toMatch(message);
  });
});
