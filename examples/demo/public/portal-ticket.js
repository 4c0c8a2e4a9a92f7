// A ticket in the customer portal: the thread (what the customer may read: never an
// internal note), the status as the portal names it, a reply box, and closing a resolved ticket.
import { ApiError, api, formatDate, h, humanize, initPage, priorityBadge, showError, showNotFound, statusBadge } from './app.js';
import { renderThread } from './thread.js';

const main = document.getElementById('main');
const ref = decodeURIComponent(location.pathname.split('/').pop() ?? '');
await initPage('/portal');

let ticket = null;
const failure = h('p', { class: 'error', role: 'alert', hidden: true });
const status = h('p', { class: 'flash', role: 'status', 'aria-live': 'polite', hidden: true });
const head = h('div', { class: 'ticket-head' });
const threadBox = h('section', { class: 'thread-box', 'aria-label': 'Thread' });
const closeBox = h('div');
const replyBody = h('textarea', { id: 'reply-body', name: 'body', rows: 5, required: true, 'data-testid': 'reply-body', placeholder: 'Write your reply (plain text)…' });
const replySend = h('button', { type: 'submit', 'data-testid': 'reply-send' }, 'Send');
const replyHint = h('p', { class: 'muted small' });
const replyForm = h(
  'form',
  { class: 'reply-box', 'aria-label': 'Reply', on: { submit: sendReply } },
  h('label', { for: 'reply-body', class: 'field-label' }, 'Your reply'),
  replyBody,
  replyHint,
  h('div', { class: 'reply-options' }, replySend),
);

async function load() {
  let detail;
  try {
    detail = await api(`/tickets/${encodeURIComponent(ref)}`);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 400)) return showNotFound(main, '/portal', 'Back to my tickets');
    throw error;
  }
  ticket = detail.ticket;
  document.title = `${ticket.number} · ticketry demo`;
  head.replaceChildren(
    h('p', { class: 'crumbs' }, h('a', { href: '/portal' }, '← My tickets')),
    h('h1', {}, h('span', { class: 'number' }, ticket.number), ' ', ticket.subject),
    h(
      'p',
      { class: 'meta' },
      statusBadge(ticket.status, humanize(ticket.label), 'ticket-status'),
      priorityBadge(ticket.priority),
      h('span', {}, `Category: ${humanize(ticket.category)}`),
      h('span', {}, `Opened ${formatDate(ticket.createdAt)}`),
    ),
  );
  threadBox.replaceChildren(h('h2', { class: 'visually-hidden' }, 'Messages'), renderThread(detail.messages, { viewer: 'customer' }));
  replyHint.textContent = ['resolved', 'closed'].includes(ticket.status)
    ? 'Replying reopens this ticket, so our staff pick it up again.'
    : 'Plain text; our staff are notified of your reply.';
  closeBox.replaceChildren(
    ticket.status === 'resolved'
      ? h('p', {}, 'Solved for you? ', h('button', { type: 'button', class: 'secondary', on: { click: closeTicket } }, 'Close this ticket'))
      : '',
  );
}

async function sendReply(event) {
  event.preventDefault();
  failure.hidden = true;
  if (!replyBody.value.trim()) return showError(failure, new Error('write something first'));
  replySend.disabled = true;
  try {
    await api(`/tickets/${encodeURIComponent(ticket.id)}/replies`, { method: 'POST', body: { body: replyBody.value } });
    replyBody.value = '';
    status.textContent = 'Reply sent';
    status.hidden = false;
    await load();
  } catch (error) {
    showError(failure, error);
  } finally {
    replySend.disabled = false;
  }
}

async function closeTicket() {
  failure.hidden = true;
  try {
    await api(`/tickets/${encodeURIComponent(ticket.id)}`, { method: 'PATCH', body: { status: 'closed' } });
    await load();
  } catch (error) {
    showError(failure, error);
  }
}

main.replaceChildren(head, failure, status, threadBox, closeBox, replyForm);
try {
  await load();
} catch (error) {
  showError(failure, error);
}
