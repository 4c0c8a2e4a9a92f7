/**
 * A raw mail read into what intake needs: the Message-ID, the sender, the decoded subject,
 * the text (an HTML-only mail turned into text), the ids it replies to, the headers the
 * auto-reply checks read, and the attachments. mailparser does the MIME work (transfer
 * encodings, charsets such as KOI8-R, encoded words); it is loaded on first use, so a host
 * that never takes mail never loads it.
 */
import type { Buffer } from 'node:buffer';
import { InternalError } from '../errors.js';
import { sha256Hex } from '../node-crypto.js';
import { htmlToText } from './html-to-text.js';
import { normalizeMessageId, splitMessageIds } from './message-ids.js';

/** A mailbox: a bare address (lower-cased) and the display name, if any. */
export interface MailAddress {
  address: string;
  name: string | null;
}

/** One attachment of the mail, as bytes. */
export interface MailAttachment {
  /** The name the mail gives it, or one made from its type (`attachment-2.png`). */
  filename: string;
  /** The type the mail claims (a hint only: the attachment check decides by content). */
  contentType: string;
  content: Buffer;
}

/** A parsed mail. */
export interface ParsedMail {
  /** The Message-ID, normalised (`normalizeMessageId`); `sha256:<hex of the raw bytes>` when it has none. */
  messageId: string;
  /** The Message-ID as written (angle brackets removed), or `null` when the mail has none. */
  rawMessageId: string | null;
  /** The first `From` mailbox with a usable address; `null` when there is none. */
  from: MailAddress | null;
  /** Decoded; `''` when the mail has none. */
  subject: string;
  /** The text part; for an HTML-only mail, its HTML as plain text; `''` when there is neither. */
  text: string;
  /**
   * The ids the mail answers, most telling first: `In-Reply-To`, then `References` newest
   * first; each once, at most `MAX_REPLY_IDS`. `id` normalised (`normalizeMessageId`), `raw`
   * as written (what `parseOwnMessageId` reads, whatever its length).
   */
  replyIds: { id: string; raw: string }[];
  /** The root `Content-Type`, lower-cased (`multipart/report`), and its parameters (names lower-cased). */
  contentType: { value: string; params: Record<string, string> };
  /** Every value of header `name` (any letter case), unfolded, not decoded; `[]` when absent. */
  header(name: string): string[];
  attachments: MailAttachment[];
}

/**
 * How many `References` ids are looked at: the newest. A mail's own thread sits at the end
 * of the list, and the cost of a lookup stays bounded whatever the mail carries.
 */
export const MAX_REPLY_IDS = 50;

/** Longest address taken (what every store keeps as a key, with room for `guest:`). */
const MAX_ADDRESS_LENGTH = 200;
const ADDRESS = /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+$/;

type SimpleParser = typeof import('mailparser').simpleParser;
let parser: Promise<SimpleParser> | undefined;

async function loadParser(): Promise<SimpleParser> {
  parser ??= import('mailparser').then(
    (m) => m.simpleParser ?? (m as unknown as { default: { simpleParser: SimpleParser } }).default.simpleParser,
    (err: unknown) => {
      parser = undefined;
      throw new InternalError('ingestEmail needs the mailparser package (npm install mailparser@3.9.31)', { cause: err });
    },
  );
  return parser;
}

/** Parses `bytes`; `null` when they cannot be read as a mail at all. */
export async function parseMail(bytes: Buffer): Promise<ParsedMail | null> {
  const simpleParser = await loadParser();
  let parsed: Awaited<ReturnType<SimpleParser>>;
  try {
    parsed = await simpleParser(bytes, {
      // ticketry turns HTML into text itself (html-to-text.ts) and needs no HTML of the text.
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipImageLinks: true,
      skipTextLinks: true,
    });
  } catch {
    return null;
  }
  const headers = new Map<string, string[]>();
  for (const { key, line } of parsed.headerLines ?? []) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const value = line.slice(colon + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
    const name = key.toLowerCase();
    const list = headers.get(name);
    if (list) list.push(value);
    else headers.set(name, [value]);
  }
  if (headers.size === 0) return null;
  const header = (name: string) => headers.get(name.toLowerCase()) ?? [];

  const ownId = splitMessageIds(header('message-id')[0] ?? null)[0];
  const messageId =
    (ownId !== undefined ? normalizeMessageId(ownId) : null) ??
    `sha256:${sha256Hex(bytes)}`;

  const rootType = parsed.headers.get('content-type') as { value?: unknown; params?: Record<string, unknown> } | undefined;
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(rootType?.params ?? {})) if (typeof v === 'string') params[k.toLowerCase()] = v;

  let text = typeof parsed.text === 'string' ? parsed.text : '';
  if (text.trim() === '' && typeof parsed.html === 'string') text = htmlToText(parsed.html);

  return {
    messageId,
    rawMessageId: ownId === undefined ? null : ownId.replace(/^<|>$/g, ''),
    from: firstMailbox(parsed.from),
    subject: typeof parsed.subject === 'string' ? parsed.subject : '',
    text,
    replyIds: replyIds(header('in-reply-to'), header('references')),
    contentType: { value: typeof rootType?.value === 'string' ? rootType.value.toLowerCase() : 'text/plain', params },
    header,
    attachments: (parsed.attachments ?? []).map((a, i) => ({
      filename: typeof a.filename === 'string' && a.filename.trim() !== '' ? a.filename : generatedName(i + 1, a.contentType),
      contentType: typeof a.contentType === 'string' ? a.contentType : 'application/octet-stream',
      content: a.content,
    })),
  };
}

/** The ids of `In-Reply-To` and `References`, normalised, newest first, each once, capped. */
function replyIds(inReplyTo: readonly string[], references: readonly string[]): { id: string; raw: string }[] {
  const ids: { id: string; raw: string }[] = [];
  const seen = new Set<string>();
  const add = (raw: string) => {
    const id = normalizeMessageId(raw);
    if (id !== null && !seen.has(id) && ids.length < MAX_REPLY_IDS) {
      seen.add(id);
      ids.push({ id, raw });
    }
  };
  for (const value of inReplyTo) for (const id of splitMessageIds(value)) add(id);
  const refs = references.flatMap((value) => splitMessageIds(value));
  for (let i = refs.length - 1; i >= 0 && ids.length < MAX_REPLY_IDS; i--) add(refs[i]!);
  return ids;
}

type AddressObject = { value?: { address?: string; name?: string; group?: { address?: string; name?: string }[] }[] };

function firstMailbox(from: unknown): MailAddress | null {
  const list = (Array.isArray(from) ? from : [from]) as (AddressObject | undefined)[];
  for (const object of list) {
    for (const entry of object?.value ?? []) {
      for (const box of entry.group ?? [entry]) {
        const address = typeof box.address === 'string' ? box.address.trim().toLowerCase() : '';
        if (address.length === 0 || address.length > MAX_ADDRESS_LENGTH || !ADDRESS.test(address)) continue;
        const name = typeof box.name === 'string' ? box.name.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, 200) : '';
        return { address, name: name === '' ? null : name };
      }
    }
  }
  return null;
}

const EXTENSIONS: Record<string, string> = {
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
  'image/webp': '.webp',
  'application/pdf': '.pdf',
  'text/plain': '.txt',
};

function generatedName(n: number, contentType: unknown): string {
  const type = typeof contentType === 'string' ? contentType.toLowerCase() : '';
  return `attachment-${n}${EXTENSIONS[type] ?? ''}`;
}
