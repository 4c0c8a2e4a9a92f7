/**
 * Which mails are automatic (src/email/auto-mail.ts), read through the real parser so
 * folded and oddly cased headers count as mail systems send them.
 */
import { describe, expect, it } from 'vitest';
import { automaticMail } from '../../src/email/auto-mail.js';
import { parseMail } from '../../src/email/parse-mail.js';

async function verdict(headers: string[], from = 'Anna <anna@customer.example>'): Promise<string | null> {
  const raw = [`From: ${from}`, 'To: support@desk.example', 'Subject: hello', ...headers, '', 'body'].join('\r\n');
  const mail = await parseMail(Buffer.from(raw));
  if (!mail) throw new Error('not parsed');
  return automaticMail(mail);
}

describe('automaticMail', () => {
  const autoReplies: [string, string[]][] = [
    ['Auto-Submitted: auto-replied', ['Auto-Submitted: auto-replied']],
    ['Auto-Submitted: auto-generated', ['Auto-Submitted: auto-generated']],
    ['Auto-Submitted: auto-notified, folded, any case', ['auto-submitted:', ' Auto-Notified; owner-email="x@y"']],
    ['Precedence: bulk', ['Precedence: bulk']],
    ['Precedence: junk', ['Precedence: JUNK']],
    ['Precedence: list', ['Precedence: list']],
    ['Precedence: auto_reply', ['Precedence: auto_reply']],
    ['X-Autoreply', ['X-Autoreply: yes']],
    ['X-Autorespond', ['X-Autorespond: vacation']],
    ['X-Auto-Response-Suppress: All (Exchange)', ['X-Auto-Response-Suppress: All']],
    ['X-Auto-Response-Suppress: OOF', ['X-Auto-Response-Suppress: DR, OOF']],
    ['Return-Path: <>', ['Return-Path: <>']],
    ['a read receipt (multipart/report, disposition-notification)', ['MIME-Version: 1.0', 'Content-Type: multipart/report; report-type=disposition-notification; boundary="x"']],
  ];
  for (const [name, headers] of autoReplies) {
    it(`${name} is an auto-reply`, async () => {
      expect(await verdict(headers)).toBe('auto_reply');
    });
  }

  const bounces: [string, string[], string?][] = [
    ['from MAILER-DAEMON', [], 'Mail Delivery System <MAILER-DAEMON@mx.example>'],
    ['from postmaster', [], 'postmaster@customer.example'],
    ['X-Failed-Recipients', ['X-Failed-Recipients: gone@customer.example']],
    ['a DSN', ['MIME-Version: 1.0', 'Content-Type: multipart/report;', '\treport-type="delivery-status"; boundary="x"']],
  ];
  for (const [name, headers, from] of bounces) {
    it(`${name} is a bounce`, async () => {
      expect(await verdict(headers, from)).toBe('bounce');
    });
  }

  const people: [string, string[]][] = [
    ['a plain mail', []],
    ['Auto-Submitted: no', ['Auto-Submitted: no']],
    ['Auto-Submitted: No; with a comment', ['Auto-Submitted: No (sent by a person)']],
    ['Precedence: first-class', ['Precedence: first-class']],
    ['List-Id alone (a group address in front of the desk)', ['List-Id: <support.desk.example>']],
    ['X-Auto-Response-Suppress: DR, RN', ['X-Auto-Response-Suppress: DR, RN, NRN']],
    ['a real Return-Path', ['Return-Path: <anna@customer.example>']],
  ];
  for (const [name, headers] of people) {
    it(`${name} is a person's mail`, async () => {
      expect(await verdict(headers)).toBeNull();
    });
  }
  it('a mailbox merely containing "postmaster" is a person', async () => {
    expect(await verdict([], 'postmaster.fan@customer.example')).toBeNull();
  });
});
