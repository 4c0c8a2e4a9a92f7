// The customer portal's ticket list (seed 001): newest first; number, subject, status,
// priority, last reply, replies count. Rows open the ticket.
import { ago, api, h, humanize, initPage, priorityBadge, showError, statusBadge, timeEl } from './app.js';

const main = document.getElementById('main');
await initPage('/portal');
const failure = h('p', { class: 'error', role: 'alert', hidden: true });
const tbody = h('tbody');
const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Load more');
const archived = h('input', { type: 'checkbox', id: 'show-archived' });
let nextCursor = null;

main.replaceChildren(
  h(
    'div',
    { class: 'page-head' },
    h('h1', {}, 'Support'),
    h('a', { class: 'button', href: '/portal/new', 'data-testid': 'new-ticket' }, 'New ticket'),
  ),
  h('p', { class: 'muted' }, 'Your tickets, newest first. Only you and our support staff see them.'),
  h('p', {}, h('label', { class: 'inline' }, archived, ' Show archived tickets')),
  failure,
  h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'portal' },
      h('caption', { class: 'visually-hidden' }, 'My tickets'),
      h('thead', {}, h('tr', {}, ['Ticket', 'Status', 'Priority', 'Last reply', 'Replies'].map((t) => h('th', { scope: 'col' }, t)))),
      tbody,
    ),
  ),
  more,
);

function row(t) {
  const href = `/portal/tickets/${encodeURIComponent(t.number)}`;
  return h(
    'tr',
    { 'data-testid': 'portal-row', 'data-number': t.number, 'data-status': t.status },
    h('td', { class: 'ticket-cell' }, h('a', { href, class: 'number' }, t.number), h('a', { href, class: 'subject' }, t.subject), h('span', { class: 'muted small' }, humanize(t.category))),
    h('td', {}, statusBadge(t.status, humanize(t.label))),
    h('td', {}, priorityBadge(t.priority)),
    h('td', {}, t.lastReplyAt ? timeEl(t.lastReplyAt, ago(t.lastReplyAt)) : h('span', { class: 'muted' }, 'no replies yet')),
    h('td', {}, String(t.replyCount)),
  );
}

async function load(append) {
  failure.hidden = true;
  try {
    const q = new URLSearchParams({ sort: 'newest', limit: '50' });
    if (archived.checked) q.set('archived', 'true');
    if (append && nextCursor) q.set('cursor', nextCursor);
    const page = await api(`/tickets?${q}`);
    nextCursor = page.nextCursor;
    const rows = page.items.map(row);
    if (append) tbody.append(...rows);
    else tbody.replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colspan: 5, class: 'empty' }, 'No tickets yet. ', h('a', { href: '/portal/new' }, 'Open one')))]));
    more.hidden = !nextCursor;
  } catch (error) {
    showError(failure, error);
  }
}

archived.addEventListener('change', () => load(false));
more.addEventListener('click', () => load(true));
await load(false);
