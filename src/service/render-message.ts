/**
 * Turns a message body into the HTML stored with it: staff write Markdown, rendered on
 * the render worker within `config.render`'s limits and time budget; customers and the
 * system write plain text, escaped. Operations call it only after the actor, the ticket
 * and its scope are checked, so a request that will be refused costs no render.
 */
import { checkBody } from '../render/markdown.js';
import { renderBody } from '../render/render-body.js';
import type { Actor } from '../types.js';
import type { ServiceContext } from './service-context.js';

/**
 * Refuses a body longer than its kind allows (`maxBodyLength`; for staff Markdown also
 * `render.maxMarkdownLength`) before anything else is done with it: a length is free to
 * check, a render is not. `renderMessage` applies the same limits.
 */
export function checkMessageBody(ctx: ServiceContext, actor: Actor, body: string): void {
  if (actor.kind === 'staff') {
    checkBody(body, Math.min(ctx.config.maxBodyLength, ctx.config.render.maxMarkdownLength), 'markdown_too_long');
  } else {
    checkBody(body, ctx.config.maxBodyLength, 'body_too_long');
  }
}

/** The sanitised HTML of `body` as written by `actor`; a refused body is a `validation` error. */
export function renderMessage(ctx: ServiceContext, actor: Actor, body: string): Promise<string> {
  return renderBody(actor.kind === 'staff' ? 'markdown' : 'plain', body, {
    ...ctx.config.render,
    maxBodyLength: ctx.config.maxBodyLength,
  });
}
