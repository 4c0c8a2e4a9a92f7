// The staff ticket page: the thread, the reply box (public reply or internal note, with a
// status choice), assignee / priority / status, and the audit trail.
import {
  ApiError,
  PRIORITIES,
  STATUSES,
  api,
  formatDate,
  h,
  humanize,
  initPage,
  priorityBadge,
  select,
  showError,
  showNotFound,
  slaBadge,
  statusBadge,
} from './app.js';
import { renderThread } from './thread.js';

const main = document.getElementById('main');
const ref = decodeURIComponent(location.pathname.split('/').pop() ?? '');
const [me, people] = await Promise.all([
  initPage('/queue'),
  fetch('/demo/people', { credentials: 'same-origin' }).then((r) => (r.ok ? r.json() : { staff: [], subscribers: {} })),
]);
const names = Object.fromEntries(people.staff.map((s) => [s.id, s.name]));

let ticket = null;
const failure = h('p', { class: 'error', role: 'alert', hidden: true });
const status = h('p', { class: 'flash', role: 'status', 'aria-live': 'polite', hidden: true });
const head = h('div', { class: 'ticket-head' });
const threadBox = h('section', { class: 'thread-box', 'aria-label': 'Thread' });
const auditBox = h('tbody');
const side = h('div', { class: 'side-fields' });

const replyBody = h('textarea', { id: 'reply-body', name: 'body', rows: 6, required: true, 'data-testid': 'reply-body', placeholder: 'Write a reply (Markdown) or an internal note…' });
const replyInternal = h('input', { type: 'checkbox', id: 'reply-internal', name: 'internal', 'data-testid': 'reply-internal' });
const replyStatus = select(
  { id: 'reply-status', name: 'status', 'data-testid': 'reply-status' },
  [['', 'Default: pending after a reply, unchanged after a note'], ...STATUSES.map((s) => [s, humanize(s)])],
  '',
);
const replySend = h('button', { type: 'submit', 'data-testid': 'reply-send' }, 'Send reply');
const replyForm = h(
  'form',
  { class: 'reply-box', 'aria-label': 'Reply', on: { submit: sendReply } },
  h('label', { for: 'reply-body', class: 'field-label' }, 'Reply'),
  replyBody,
  h(
    'div',
    { class: 'reply-options' },
    h('label', { class: 'inline' }, replyInternal, ' Internal note (staff only, never shown to the customer)'),
    h('label', { class: 'inline', for: 'reply-status' }, 'Status after sending '),
    replyStatus,
    replySend,
  ),
);
replyInternal.addEventListener('change', () => {
  replyForm.classList.toggle('internal', replyInternal.checked);
  replySend.textContent = replyInternal.checked ? 'Add internal note' : 'Send reply';
});

async function load() {
  let detail;
  try {
    detail = await api(`/tickets/${encodeURIComponent(ref)}`);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 400)) return showNotFound(main, '/queue', 'Back to the queue');
    throw error;
  }
  ticket = detail.ticket;
  document.title = `${ticket.number} · ticketry demo`;
  renderHead();
  renderSide();
  threadBox.replaceChildren(h('h2', { class: 'visually-hidden' }, 'Messages'), renderThread(detail.messages, { viewer: 'staff', names: { ...names, ...people.subscribers } }));
  const audit = await api(`/tickets/${encodeURIComponent(ticket.id)}/audit`);
  auditBox.replaceChildren(...audit.map(auditRow));
  if (!marked) {
    // Opening the ticket is reading it: its unread dot leaves this staff member's queue.
    marked = true;
    api(`/tickets/${encodeURIComponent(ticket.id)}/read`, { method: 'POST' }).catch(() => {});
  }
}
let marked = false;

function renderHead() {
  const subscriber = people.subscribers[ticket.subscriberId] ?? ticket.subscriberId;
  head.replaceChildren(
    h('p', { class: 'crumbs' }, h('a', { href: '/queue' }, '← Queue')),
    h('h1', {}, h('span', { class: 'number' }, ticket.number), ' ', ticket.subject),
    h(
      'p',
      { class: 'meta' },
      statusBadge(ticket.status, humanize(ticket.status), 'ticket-status'),
      priorityBadge(ticket.priority),
      h('span', {}, `Category: ${humanize(ticket.category)}`),
      ticket.department ? h('span', {}, `Department: ${humanize(ticket.department)}`) : null,
      h('span', {}, `Subscriber: ${subscriber}`),
      ticket.resellerId ? h('span', {}, `Reseller: ${ticket.resellerId}`) : null,
      h('span', {}, `Opened ${formatDate(ticket.createdAt)}`),
      slaBadge(ticket),
    ),
  );
}

function renderSide() {
  const assignable = people.staff.filter((s) => !s.resellerId || s.resellerId === ticket.resellerId).map((s) => [s.id, s.name]);
  if (ticket.assigneeId && !names[ticket.assigneeId]) assignable.push([ticket.assigneeId, ticket.assigneeId]);
  const field = (label, id, control) => h('div', { class: 'field' }, h('label', { for: id }, label), control);
  side.replaceChildren(
    field('Assignee', 'assignee', select({ id: 'assignee', 'data-testid': 'assignee', on: { change: (e) => patch({ assigneeId: e.target.value || null }) } }, [['', 'Unassigned'], ...assignable], ticket.assigneeId ?? '')),
    field('Priority', 'set-priority', select({ id: 'set-priority', 'data-testid': 'set-priority', on: { change: (e) => patch({ priority: e.target.value }) } }, PRIORITIES.map((p) => [p, p]), ticket.priority)),
    field('Status', 'set-status', select({ id: 'set-status', 'data-testid': 'set-status', on: { change: (e) => patch({ status: e.target.value }) } }, STATUSES.map((s) => [s, humanize(s)]), ticket.status)),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'First response due'),
      h('dd', {}, ticket.firstResponseDueAt ? formatDate(ticket.firstResponseDueAt) : ticket.firstResponseAt ? `met ${formatDate(ticket.firstResponseAt)}` : '–'),
      h('dt', {}, 'Resolution due'),
      h('dd', {}, ticket.resolutionDueAt ? formatDate(ticket.resolutionDueAt) : ticket.resolvedAt ? `resolved ${formatDate(ticket.resolvedAt)}` : '–'),
      h('dt', {}, 'Updated'),
      h('dd', {}, formatDate(ticket.updatedAt)),
      h('dt', {}, 'Channel'),
      h('dd', {}, ticket.channel ?? 'web'),
    ),
  );
}

async function patch(body) {
  failure.hidden = true;
  try {
    // The version read with the page: a change someone made meanwhile is a conflict, not overwritten.
    await api(`/tickets/${encodeURIComponent(ticket.id)}`, { method: 'PATCH', body: { ...body, expectedVersion: ticket.version } });
    flash('Saved');
  } catch (error) {
    showError(failure, error);
  }
  await load();
}

async function sendReply(event) {
  event.preventDefault();
  failure.hidden = true;
  const body = replyBody.value;
  if (!body.trim()) return showError(failure, new Error('write something first'));
  replySend.disabled = true;
  try {
    const input = { body, internal: replyInternal.checked };
    if (replyStatus.value) input.status = replyStatus.value;
    await api(`/tickets/${encodeURIComponent(ticket.id)}/replies`, { method: 'POST', body: input });
    replyBody.value = '';
    replyStatus.value = '';
    flash(input.internal ? 'Internal note added' : 'Reply sent');
    await load();
  } catch (error) {
    showError(failure, error);
  } finally {
    replySend.disabled = false;
  }
}

function flash(text) {
  status.textContent = text;
  status.hidden = false;
}

function show(value) {
  if (value === null || value === undefined || value === '') return '–';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function auditRow(entry) {
  const changes = Object.entries(entry.changes ?? {}).map(([field, c]) => `${humanize(field)}: ${show(c?.from)} → ${show(c?.to)}`);
  return h(
    'tr',
    { 'data-testid': 'audit-entry' },
    h('td', {}, h('time', { datetime: entry.createdAt }, formatDate(entry.createdAt))),
    h('td', {}, entry.actorName ?? names[entry.actorId] ?? people.subscribers[entry.actorId] ?? entry.actorId ?? entry.actorKind),
    h('td', {}, humanize(entry.action)),
    h('td', { class: 'changes' }, changes.length ? changes.map((c) => h('div', {}, c)) : '–'),
    h('td', { class: 'muted small' }, entry.ip ?? ''),
  );
}

main.replaceChildren(
  head,
  failure,
  status,
  h(
    'div',
    { class: 'ticket-layout' },
    h('div', { class: 'ticket-main' }, threadBox, replyForm),
    h('aside', { class: 'ticket-side', 'aria-label': 'Ticket fields' }, h('h2', {}, 'Ticket'), side),
  ),
  h(
    'section',
    { class: 'audit', 'aria-labelledby': 'audit-title' },
    h('h2', { id: 'audit-title' }, 'Audit trail'),
    h('div', { class: 'table-wrap' }, h('table', {}, h('thead', {}, h('tr', {}, ['When', 'Who', 'What', 'Changes', 'IP'].map((t) => h('th', { scope: 'col' }, t)))), auditBox)),
  ),
);
try {
  await load();
} catch (error) {
  showError(failure, error);
}
void me;
