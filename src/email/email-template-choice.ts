/**
 * Which template writes a mail, and in which language: the recipient's language (or the
 * one `emailFor` was told to use), else `config.email.defaultLanguage`, else English;
 * for each, a region tag falls back to its language (`es-MX` to `es`). The first of these
 * languages with a template for the event wins, the host's before ticketry's own, so a
 * host can override one event in one language and keep the rest.
 */
import type { TicketEventType } from '../events/event-types.js';
import type { EmailTemplate, EmailTemplates } from './email-types.js';
import { STANDARD_TEMPLATES, type StandardTemplate } from './standard-templates.js';

/** The template that writes one mail. */
export interface ChosenTemplate {
  template: EmailTemplate;
  language: string;
  /** For error messages: `emailTemplates.es["ticket.replied"]` or `ticketry's en "ticket.replied"`. */
  name: string;
  /** ticketry's own template for the same mail, and its language (for `input.standard()`). */
  standard: { template: StandardTemplate; language: string } | null;
}

/** The languages to try, best first, without repeats. */
export function languageCandidates(wanted: string | undefined, defaultLanguage: string): string[] {
  const out: string[] = [];
  const add = (tag: string | undefined) => {
    if (!tag) return;
    for (const candidate of [tag, tag.split('-')[0]!.toLowerCase()]) {
      if (candidate !== '' && !out.includes(candidate)) out.push(candidate);
    }
  };
  add(wanted);
  add(defaultLanguage);
  add('en');
  return out;
}

const own = <T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined =>
  record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;

function standardFor(type: TicketEventType, languages: readonly string[]): ChosenTemplate['standard'] {
  for (const language of languages) {
    const template = own(STANDARD_TEMPLATES, language)?.[type];
    if (template) return { template, language };
  }
  return null;
}

/** The template for `type` in the first of `languages` that has one; `null` when none does. */
export function chooseTemplate(
  host: EmailTemplates | undefined,
  type: TicketEventType,
  languages: readonly string[],
): ChosenTemplate | null {
  const standard = standardFor(type, languages);
  for (const language of languages) {
    const mine = own(own(host, language), type);
    if (mine !== undefined) {
      return { template: mine, language, name: `emailTemplates.${language}["${type}"]`, standard };
    }
    const theirs = own(STANDARD_TEMPLATES, language)?.[type];
    if (theirs) return { template: theirs, language, name: `ticketry's ${language} "${type}" template`, standard };
  }
  return null;
}

/** Whether any language has a template for `type`: without one an event sends no mail, and nobody need be looked up. */
export function hasTemplate(host: EmailTemplates | undefined, type: TicketEventType): boolean {
  if (Object.values(STANDARD_TEMPLATES).some((byType) => byType[type] !== undefined)) return true;
  return host !== undefined && Object.values(host).some((byType) => byType !== undefined && own(byType, type) !== undefined);
}
