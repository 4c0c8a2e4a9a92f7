/**
 * The Message-IDs ticketry writes, and reading them back. A ticket's mail threads under
 * one root id (`<ticketry.<ticket>@domain>`), and each mail has its own
 * (`<ticketry.<ticket>.<part>@domain>`, the part being the message or event it is about).
 * Both name the ticket, so a customer's reply, whose `In-Reply-To`/`References` carry
 * them, finds its ticket without ticketry storing what it sent. Ids are base64url, which
 * has no `.`, so the parts split unambiguously. Received ids are stored normalised
 * (`normalizeMessageId`).
 */
import { sha256Hex } from '../node-crypto.js';
import type { EmailConfig } from './email-config.js';

const PREFIX = 'ticketry';
/** Longer normalised ids are stored as their hash: keys are at most 250 characters on MySQL. */
const MAX_ID_LENGTH = 200;

const encode = (id: string) => Buffer.from(id, 'utf8').toString('base64url');
const decode = (part: string): string | null => {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) return null;
  const id = Buffer.from(part, 'base64url').toString('utf8');
  // A part that does not round-trip was not made by `encode`.
  return encode(id) === part ? id : null;
};

/** The domain of ticketry's Message-IDs under `config`. */
export function messageIdDomain(config: EmailConfig): string {
  if (config.messageIdDomain) return config.messageIdDomain.toLowerCase();
  const at = config.address?.lastIndexOf('@') ?? -1;
  return at === -1 ? 'ticketry.invalid' : config.address!.slice(at + 1).toLowerCase();
}

/** The root Message-ID of a ticket's mail, with angle brackets. */
export function threadMessageId(ticketId: string, domain: string): string {
  return `<${PREFIX}.${encode(ticketId)}@${domain}>`;
}

/** The Message-ID of one mail about the ticket (`partId`: the message or event it carries), with angle brackets. */
export function partMessageId(ticketId: string, partId: string, domain: string): string {
  return `<${PREFIX}.${encode(ticketId)}.${encode(partId)}@${domain}>`;
}

/**
 * The ticket (and part) a Message-ID ticketry made under `domain` names; `null` for any
 * other id. Accepts the id with or without angle brackets.
 */
export function parseOwnMessageId(raw: string, domain: string): { ticketId: string; partId: string | null } | null {
  const id = raw.trim().replace(/^<|>$/g, '');
  const at = id.lastIndexOf('@');
  if (at === -1 || id.slice(at + 1).toLowerCase() !== domain.toLowerCase()) return null;
  const parts = id.slice(0, at).split('.');
  if (parts[0] !== PREFIX || parts.length < 2 || parts.length > 3) return null;
  const ticketId = decode(parts[1]!);
  if (ticketId === null) return null;
  if (parts.length === 2) return { ticketId, partId: null };
  const partId = decode(parts[2]!);
  return partId === null ? null : { ticketId, partId };
}

/**
 * A received Message-ID as ticketry stores and compares it: without angle brackets or
 * whitespace; a longer one than 200 characters as `sha256:<hex>`. `null` when nothing is left.
 */
export function normalizeMessageId(raw: string): string | null {
  const id = raw.replace(/\s+/g, '').replace(/^<|>$/g, '');
  if (id === '') return null;
  return id.length > MAX_ID_LENGTH ? `sha256:${sha256Hex(id)}` : id;
}

/** Every Message-ID in a `References`/`In-Reply-To` header value (or the list mailparser gives), in order. */
export function splitMessageIds(value: string | readonly string[] | undefined | null): string[] {
  if (value === undefined || value === null) return [];
  const text = typeof value === 'string' ? value : value.join(' ');
  const bracketed = text.match(/<[^<>]+>/g);
  if (bracketed) return bracketed;
  return text.split(/[\s,]+/).filter((part) => part !== '');
}
