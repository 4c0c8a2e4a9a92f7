/**
 * Quote and signature trimming of replies (src/email/trim-quotes.ts): the marks of Gmail,
 * Outlook, Apple Mail and Thunderbird, in English, Spanish and Russian; what must never be
 * cut (a reply written below the quote, interleaved answers, a sentence that merely ends
 * in "wrote:").
 */
import { describe, expect, it } from 'vitest';
import { trimQuotes } from '../../src/email/trim-quotes.js';
import { mailBody, NO_TEXT } from '../../src/email/mail-body.js';

const REPLY = 'The router works again, thanks.';

describe('trimQuotes', () => {
  const cases: [string, string][] = [
    [
      'Gmail, attribution wrapped over two lines',
      `${REPLY}\n\nOn Mon, Mar 2, 2026 at 3:45 PM Support Team of Example Networks <\nsupport@desk.example> wrote:\n\n> Please restart the router.\n> \n`,
    ],
    ['Gmail, one line', `${REPLY}\n\nOn Mon, Mar 2, 2026 at 3:45 PM Support <support@desk.example> wrote:\n> Please restart the router.`],
    [
      'Outlook, Original Message',
      `${REPLY}\n\n-----Original Message-----\nFrom: Support [mailto:support@desk.example]\nSent: Monday, March 2, 2026 3:45 PM\nTo: Anna\nSubject: [TKT-7] Router\n\nPlease restart the router.`,
    ],
    [
      'Outlook, header block under a rule',
      `${REPLY}\r\n\r\n________________________________\r\nFrom: Support <support@desk.example>\r\nSent: Monday, March 2, 2026 15:45\r\nTo: Anna <anna@customer.example>\r\nSubject: [TKT-7] Router\r\n\r\nPlease restart the router.`,
    ],
    [
      'Outlook, bold header block (from HTML)',
      `${REPLY}\n\n*From:* Support <support@desk.example>\n*Sent:* Monday, March 2, 2026 15:45\n*To:* Anna\n\nPlease restart the router.`,
    ],
    ['Apple Mail', `${REPLY}\n\n> On 2 Mar 2026, at 15:45, Support <support@desk.example> wrote:\n> \n> Please restart the router.`],
    ['Apple Mail, unquoted attribution', `${REPLY}\n\nOn 2 Mar 2026, at 15:45, Support <support@desk.example> wrote:\n\n> Please restart the router.`],
    ['Thunderbird', `${REPLY}\n\nOn 02.03.2026 15:45, Support wrote:\n> Please restart the router.`],
    [
      'Spanish Gmail',
      `${REPLY}\n\nEl lun, 2 mar 2026 a las 15:45, Soporte (<soporte@desk.example>)\nescribió:\n\n> Reinicie el router, por favor.`,
    ],
    [
      'Spanish Outlook',
      `${REPLY}\n\nDe: Soporte <soporte@desk.example>\nEnviado: lunes, 2 de marzo de 2026 15:45\nPara: Ana\nAsunto: [TKT-7] Router\n\nReinicie el router.`,
    ],
    ['Spanish, Mensaje original', `${REPLY}\n\n-----Mensaje original-----\nDe: Soporte\nEnviado: lunes\n\nReinicie el router.`],
    ['Russian Thunderbird', `${REPLY}\n\n02.03.2026 15:45, Поддержка пишет:\n> Перезагрузите роутер.`],
    ['Russian, написал(а)', `${REPLY}\n\nПонедельник, 2 марта 2026, 15:45 +03:00 от Поддержка <support@desk.example>\nнаписал(а):\n\n> Перезагрузите роутер.`],
    ['Russian Gmail without a verb', `${REPLY}\n\nпн, 2 мар. 2026 г. в 15:45, Support <support@desk.example>:\n\n> Перезагрузите роутер.`],
    [
      'Russian Outlook',
      `${REPLY}\n\nОт: Поддержка <support@desk.example>\nОтправлено: 2 марта 2026 г. 15:45\nКому: Анна\nТема: [TKT-7] Роутер\n\nПерезагрузите роутер.`,
    ],
    ['a tail of > lines only', `${REPLY}\n\n> Please restart the router.\n>\n> Support`],
    ['a signature', `${REPLY}\n\n-- \nAnna Schmidt\nCustomer #4711\n+49 30 1234567`],
    ['a signature without its trailing space', `${REPLY}\n--\nAnna`],
    ['Sent from my iPhone', `${REPLY}\n\nSent from my iPhone`],
    ['Отправлено с iPhone', `${REPLY}\n\nОтправлено с iPhone`],
    [
      'signature, then Gmail history',
      `${REPLY}\n\n-- \nAnna\n\nOn Mon, Mar 2, 2026 at 3:45 PM Support <support@desk.example> wrote:\n> -- \n> Support`,
    ],
  ];
  for (const [name, text] of cases) {
    it(`cuts ${name}`, () => {
      expect(trimQuotes(text)).toEqual({ text: REPLY, trimmed: true });
    });
  }

  it('keeps a reply written below the quote whole', () => {
    const text = 'On Mon, Mar 2, 2026 at 3:45 PM Support <support@desk.example> wrote:\n> Does it work?\n\nNo, it does not.';
    expect(trimQuotes(text)).toEqual({ text, trimmed: false });
  });

  it('keeps interleaved answers', () => {
    const text = '> Is the light red?\nYes.\n> Did you restart it?\nTwice.';
    expect(trimQuotes(text)).toEqual({ text, trimmed: false });
  });

  it('does not cut a sentence that only ends in "wrote:" (no date, no address)', () => {
    const text = 'Here is what I wrote:\nthe router is broken.';
    expect(trimQuotes(text)).toEqual({ text, trimmed: false });
  });

  it('does not cut a "-- " line followed by more than 15 lines (not a signature)', () => {
    const text = `Steps:\n--\n${Array.from({ length: 20 }, (_, i) => `step ${i}`).join('\n')}`;
    expect(trimQuotes(text).trimmed).toBe(false);
  });

  it('does not cut a From: line that starts no header block', () => {
    const text = 'From: my laptop the speed is 3 Mbit/s.\nFrom the phone it is fine.';
    expect(trimQuotes(text)).toEqual({ text, trimmed: false });
  });

  it('a mail that is only a quote is kept as it is', () => {
    const text = '> Please restart the router.';
    expect(trimQuotes(text)).toEqual({ text, trimmed: false });
  });

  it('takes huge input in one pass (a 2 MB line, 100,000 quoted lines)', () => {
    const line = 'x'.repeat(2 * 1024 * 1024);
    expect(trimQuotes(`${line}\n\nOn Mon, Mar 2, 2026 Support <s@d.example> wrote:\n> q`).text).toBe(line);
    const many = `${REPLY}\n${'> quoted\n'.repeat(100_000)}`;
    expect(trimQuotes(many).text).toBe(REPLY);
  });
});

describe('mailBody', () => {
  it('trims replies only; a new ticket keeps its forwarded history', () => {
    const text = `${REPLY}\n\n-----Original Message-----\nFrom: Support\nSent: today\n\nold`;
    expect(mailBody(text, { reply: true, maxLength: 1000 })).toEqual({ body: REPLY, fullText: text });
    expect(mailBody(text, { reply: false, maxLength: 1000 })).toEqual({ body: text, fullText: null });
  });

  it('cuts a body over maxLength with a note, keeps the text for staff up to four times that', () => {
    const text = 'a'.repeat(1000);
    const { body, fullText } = mailBody(text, { reply: false, maxLength: 200 });
    expect(body.length).toBeLessThanOrEqual(200);
    expect(body).toMatch(/^a+\n\n\[… cut: the mail's text is 1000 characters, more than the 200 a message holds\]$/);
    expect(fullText!.length).toBeLessThanOrEqual(800);
    expect(fullText!.startsWith('a'.repeat(500))).toBe(true);
    expect(mailBody('ok', { reply: false, maxLength: 200 }).fullText).toBeNull();
  });

  it('never splits a surrogate pair when cutting', () => {
    const { body } = mailBody('🔥'.repeat(300), { reply: false, maxLength: 201 });
    expect(body).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('drops NUL and other control characters; an empty text becomes a placeholder', () => {
    expect(mailBody('a\u0000b\u0007c\r\nd', { reply: false, maxLength: 100 }).body).toBe('abc\nd');
    expect(mailBody('  \n ', { reply: true, maxLength: 100 }).body).toBe(NO_TEXT);
  });
});
