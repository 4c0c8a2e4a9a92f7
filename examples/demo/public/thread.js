// A ticket's thread, for the staff page and the portal: customer messages on one side,
// staff on the other, system notes in the middle, internal notes on their own background.
import { formatDate, h, renderMessageHtml } from './app.js';

/**
 * The thread as a list. `viewer`: 'staff' or 'customer' (the customer's own messages
 * read "You"); `names`: display names by author id when the message carries none.
 */
export function renderThread(messages, { viewer, names = {} }) {
  return h(
    'ol',
    { class: 'thread', 'aria-label': 'Messages, oldest first' },
    messages.map((m) => h('li', {}, messageEl(m, viewer, names))),
  );
}

function authorOf(m, viewer, names) {
  if (m.authorType === 'system') return 'System';
  if (m.authorType === 'customer') return viewer === 'customer' ? 'You' : (m.authorName ?? names[m.authorId] ?? 'Customer');
  return m.authorName ?? names[m.authorId] ?? 'Support';
}

function messageEl(m, viewer, names) {
  const internal = m.internal === true;
  const tags = [];
  if (m.opening) tags.push(h('span', { class: 'tag' }, 'Opening message'));
  if (internal) tags.push(h('span', { class: 'tag tag-internal' }, 'Internal note · staff only'));
  if (m.hidden) tags.push(h('span', { class: 'tag tag-hidden' }, 'Hidden from the customer'));
  if (m.editedAt) tags.push(h('span', { class: 'tag', title: formatDate(m.editedAt) }, 'edited'));
  return h(
    'article',
    {
      class: `message from-${m.authorType}${internal ? ' internal' : ''}${m.hidden ? ' hidden-message' : ''}`,
      'data-testid': 'message',
      'data-author-type': m.authorType,
      'data-internal': String(internal),
      'data-id': m.id,
      'aria-label': `${internal ? 'Internal note' : 'Message'} from ${authorOf(m, viewer, names)}`,
    },
    h(
      'header',
      { class: 'message-head' },
      h('strong', {}, authorOf(m, viewer, names)),
      tags,
      h('time', { datetime: m.createdAt }, formatDate(m.createdAt)),
    ),
    h('div', { class: 'message-body', 'data-testid': 'message-body' }, renderMessageHtml(m.html)),
    m.attachments?.length
      ? h(
          'ul',
          { class: 'attachments', 'aria-label': 'Attachments' },
          m.attachments.map((a) =>
            h('li', {}, h('a', { href: `/api/attachments/${encodeURIComponent(a.id)}` }, a.filename), h('span', { class: 'muted small' }, ` ${Math.ceil(a.size / 1024)} KB`)),
          ),
        )
      : null,
  );
}
