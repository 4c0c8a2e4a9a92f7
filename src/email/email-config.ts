/**
 * `config.email`: the desk's address and the rules of the email channel. Data only;
 * the templates (functions) are a service option (`emailTemplates`).
 */
import type { z } from 'zod';
import { lazySchema } from '../zod-loader.js';

/** The languages ticketry's own templates are written in. */
export const EMAIL_LANGUAGES = ['en', 'es', 'ru'] as const;

/** 25 MiB: a raw mail larger than this is refused before it is parsed. */
export const DEFAULT_MAX_EMAIL_BYTES = 25 * 1024 * 1024;

/** The schema of `config.email`. */
export const emailConfigSchema = lazySchema((z) => {
  // An address as ticketry needs it: something@domain, no display name, no spaces.
  const address = z.string().max(254).regex(/^[^\s@<>]+@[^\s@<>]+$/, 'must be a bare address such as support@example.net');
  // A link with `{id}` and/or `{number}` placeholders, e.g. https://panel.example.net/tickets/{number}.
  const link = z.string().max(2048).regex(/^https?:\/\//, 'must be an http(s) URL');
  return z.strictObject({
    /** The desk's address: the From of outgoing mail, where customers reply to. */
    address: address.optional(),
    /** The display name of the From. @default 'Support' */
    name: z.string().min(1).max(200).default('Support'),
    /** The domain of the Message-IDs ticketry makes. @default the domain of `address`, else 'ticketry.invalid' */
    messageIdDomain: z.string().regex(/^[A-Za-z0-9.-]+$/).max(253).optional(),
    /**
     * A mail from an address the directory does not know: `refuse` it (the result says
     * why; nothing is written) or open a `guest` ticket that only email reaches. @default 'refuse'
     */
    unknownSenders: z.enum(['refuse', 'guest']).default('refuse'),
    /** The largest raw mail `ingestEmail` reads, in bytes. @default 26214400 (25 MiB) */
    maxBytes: z.number().int().positive().max(1024 * 1024 * 1024).default(DEFAULT_MAX_EMAIL_BYTES),
    /** The language of mail to people whose directory entry names none. @default 'en' */
    defaultLanguage: z.string().min(2).max(35).default('en'),
    /** Where a customer reads a ticket: `{id}` and `{number}` are replaced. Without it mail carries no link. */
    customerUrl: link.optional(),
    /** Where staff read a ticket, likewise. */
    staffUrl: link.optional(),
  });
});

/** `config.email` with defaults applied. */
export type EmailConfig = z.output<ReturnType<typeof emailConfigSchema>>;
