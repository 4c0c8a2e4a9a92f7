// The staff queue: stats header, filters (kept in the address bar), urgent-first rows
// with SLA badges and an assignee chooser, and bulk actions on the selected rows.
import {
  PRIORITIES,
  STATUSES,
  ago,
  api,
  h,
  humanize,
  initPage,
  priorityBadge,
  select,
  showError,
  slaBadge,
  statusBadge,
  timeEl,
} from './app.js';

const main = document.getElementById('main');
const me = await initPage('/queue');
const people = await fetch('/demo/people', { credentials: 'same-origin' }).then((r) => (r.ok ? r.json() : { staff: [], subscribers: {} }));
const staffName = Object.fromEntries(people.staff.map((s) => [s.id, s.name]));
const CATEGORIES = ['general', 'billing', 'connectivity', 'slow_speed', 'wifi', 'complaint', 'request', 'other'];

const params = new URLSearchParams(location.search);
const filters = {
  status: params.get('status') ?? '',
  priority: params.get('priority') ?? '',
  category: params.get('category') ?? '',
  assigneeId: params.get('assigneeId') ?? '',
  sort: params.get('sort') ?? '',
  q: params.get('q') ?? '',
};

const stats = h('section', { class: 'stats', 'data-testid': 'queue-stats', 'aria-label': 'Queue statistics' });
const message = h('p', { class: 'flash', role: 'status', 'aria-live': 'polite', hidden: true });
const failure = h('p', { class: 'error', role: 'alert', hidden: true });
const tbody = h('tbody');
const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Load more');
const selectAll = h('input', { type: 'checkbox', 'aria-label': 'Select all rows' });
const selectedCount = h('span', { class: 'selected-count' }, '0 selected');
let nextCursor = null;

const filterSelect = (name, testid, label, options) =>
  h(
    'label',
    { class: 'field' },
    h('span', {}, label),
    select({ name, 'data-testid': testid, on: { change: (e) => setFilter(name, e.target.value) } }, options, filters[name]),
  );

const assigneeOptions = [['', 'Anyone'], ['me', 'Me'], ['none', 'Unassigned'], ...people.staff.map((s) => [s.id, s.name])];
const search = h('input', { type: 'search', name: 'q', value: filters.q, placeholder: 'Number, subject or text', 'aria-label': 'Search' });

const bulkAction = select({ 'data-testid': 'bulk-action', 'aria-label': 'Bulk action' }, [
  ['', 'Bulk action…'],
  ['assign:me', 'Assign to me'],
  ['assign:none', 'Unassign'],
  ...people.staff.map((s) => [`assign:${s.id}`, `Assign to ${s.name}`]),
  ...['in_progress', 'pending', 'on_hold', 'resolved'].map((s) => [`status:${s}`, `Set status: ${humanize(s)}`]),
  ['close', 'Close'],
]);

main.replaceChildren(
  h('div', { class: 'page-head' }, h('h1', {}, 'Ticket queue'), h('p', { class: 'muted' }, me?.resellerId ? `Tickets of ${me.label.replace(/^Staff of reseller /, '')}` : 'Every reseller and the operator’s own customers')),
  stats,
  h(
    'form',
    { class: 'filters', role: 'search', on: { submit: (e) => (e.preventDefault(), setFilter('q', search.value.trim())) } },
    filterSelect('status', 'filter-status', 'Status', [['', 'Any (not archived)'], ['open,in_progress,pending,on_hold', 'Unresolved'], ...STATUSES.map((s) => [s, humanize(s)])]),
    filterSelect('priority', 'filter-priority', 'Priority', [['', 'Any'], ...PRIORITIES.map((p) => [p, p])]),
    filterSelect('category', 'filter-category', 'Category', [['', 'Any'], ...CATEGORIES.map((c) => [c, humanize(c)])]),
    filterSelect('assigneeId', 'filter-assignee', 'Assignee', assigneeOptions),
    filterSelect('sort', 'filter-sort', 'Sort', [['', 'Urgent first (best match when searching)'], ['queue', 'Urgent first'], ['relevance', 'Best match (with a search)'], ['updated', 'Recently updated'], ['newest', 'Newest'], ['oldest', 'Oldest'], ['waiting', 'Waiting longest']]),
    h('label', { class: 'field grow' }, h('span', {}, 'Search'), search),
    h('button', { type: 'submit', class: 'secondary' }, 'Search'),
  ),
  h(
    'div',
    { class: 'bulk', role: 'group', 'aria-label': 'Bulk actions on the selected tickets' },
    selectedCount,
    bulkAction,
    h('button', { type: 'button', 'data-testid': 'bulk-apply', on: { click: applyBulk } }, 'Apply'),
  ),
  message,
  failure,
  h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'queue' },
      h('caption', { class: 'visually-hidden' }, 'Tickets, urgent first'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col', class: 'check' }, selectAll),
          ['Ticket', 'Subscriber', 'Category', 'Priority', 'Status', 'Assignee', 'SLA', 'Updated'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      tbody,
    ),
  ),
  more,
);

selectAll.addEventListener('change', () => {
  for (const box of tbody.querySelectorAll('[data-testid="row-select"]')) box.checked = selectAll.checked;
  countSelected();
});
tbody.addEventListener('change', (e) => {
  if (e.target.matches('[data-testid="row-select"]')) countSelected();
});
more.addEventListener('click', () => load(true));

function countSelected() {
  const n = tbody.querySelectorAll('[data-testid="row-select"]:checked').length;
  selectedCount.textContent = `${n} selected`;
}

function setFilter(name, value) {
  filters[name] = value;
  const next = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) next.set(k, v);
  history.replaceState(null, '', `${location.pathname}${next.toString() ? `?${next}` : ''}`);
  load(false);
}

function listQuery(cursor) {
  // No sort: the staff queue, or the best match first when searching.
  const q = new URLSearchParams({ limit: '50' });
  for (const name of ['sort', 'status', 'priority', 'category', 'assigneeId', 'q']) if (filters[name]) q.set(name, filters[name]);
  if (q.get('sort') === 'relevance' && !q.get('q')) q.delete('sort');
  if (cursor) q.set('cursor', cursor);
  return q;
}

async function loadStats() {
  const s = await api('/tickets/stats');
  const tile = (label, value, cls = '') => h('div', { class: `tile ${cls}` }, h('span', { class: 'tile-value' }, String(value)), h('span', { class: 'tile-label' }, label));
  const hours = (sec) => (sec === null ? '–' : `${Math.round((sec / 3600) * 10) / 10} h`);
  const backlog = s.backlog.reduce((n, b) => n + b.count, 0);
  stats.replaceChildren(
    tile('Open', s.counts.open, 'status-open'),
    tile('In progress', s.counts.in_progress),
    tile('Pending', s.counts.pending),
    tile('On hold', s.counts.on_hold),
    tile('Resolved', s.counts.resolved),
    tile('Closed', s.counts.closed),
    tile('Backlog', backlog),
    tile('Avg first response', hours(s.avgFirstResponseSeconds)),
    tile('Avg resolution', hours(s.avgResolutionSeconds)),
  );
}

function assigneeSelect(ticket) {
  const options = [['', 'Unassigned'], ...people.staff.filter((s) => !s.resellerId || s.resellerId === ticket.resellerId).map((s) => [s.id, s.name])];
  if (ticket.assigneeId && !staffName[ticket.assigneeId]) options.push([ticket.assigneeId, ticket.assigneeId]);
  return select(
    {
      'data-testid': 'row-assignee',
      'aria-label': `Assignee of ${ticket.number}`,
      on: {
        change: async (e) => {
          const el = e.target;
          el.disabled = true;
          try {
            await api(`/tickets/${encodeURIComponent(ticket.id)}`, { method: 'PATCH', body: { assigneeId: el.value || null } });
            flash(`${ticket.number} ${el.value ? `assigned to ${staffName[el.value] ?? el.value}` : 'unassigned'}`);
          } catch (error) {
            showError(failure, error);
            el.value = ticket.assigneeId ?? '';
          } finally {
            el.disabled = false;
          }
        },
      },
    },
    options,
    ticket.assigneeId ?? '',
  );
}

function row(t) {
  const href = `/tickets/${encodeURIComponent(t.number)}`;
  return h(
    'tr',
    { 'data-testid': 'queue-row', 'data-number': t.number, 'data-id': t.id, 'data-priority': t.priority, 'data-status': t.status, class: t.unread ? 'unread' : undefined },
    h('td', { class: 'check' }, h('input', { type: 'checkbox', 'data-testid': 'row-select', value: t.id, 'aria-label': `Select ${t.number}` })),
    h(
      'td',
      { class: 'ticket-cell' },
      h('a', { href, class: 'number' }, t.number),
      h('a', { href, class: 'subject' }, t.subject),
      h('span', { class: 'muted small' }, `${t.replyCount} ${t.replyCount === 1 ? 'reply' : 'replies'}${t.department ? ` · ${humanize(t.department)}` : ''}`),
    ),
    h('td', {}, people.subscribers[t.subscriberId] ?? t.subscriberId, t.resellerId && !me?.resellerId ? h('span', { class: 'muted small block' }, t.resellerId) : null),
    h('td', {}, humanize(t.category)),
    h('td', {}, priorityBadge(t.priority)),
    h('td', {}, statusBadge(t.status)),
    h('td', {}, assigneeSelect(t)),
    h('td', {}, slaBadge(t) ?? h('span', { class: 'muted' }, '–')),
    h('td', {}, timeEl(t.updatedAt, ago(t.updatedAt))),
  );
}

async function load(append) {
  failure.hidden = true;
  try {
    const page = await api(`/tickets?${listQuery(append ? nextCursor : null)}`);
    nextCursor = page.nextCursor;
    const rows = page.items.map(row);
    if (append) tbody.append(...rows);
    else {
      selectAll.checked = false;
      tbody.replaceChildren(...rows);
      if (rows.length === 0) tbody.append(h('tr', {}, h('td', { colspan: 9, class: 'empty' }, 'No tickets match these filters.')));
    }
    more.hidden = !nextCursor;
    countSelected();
  } catch (error) {
    showError(failure, error);
  }
}

function flash(text) {
  message.textContent = text;
  message.hidden = false;
}

async function applyBulk() {
  const ids = [...tbody.querySelectorAll('[data-testid="row-select"]:checked')].map((b) => b.value);
  const choice = bulkAction.value;
  failure.hidden = true;
  if (!choice) return showError(failure, new Error('choose a bulk action first'));
  if (ids.length === 0) return showError(failure, new Error('select at least one ticket'));
  const [type, arg] = choice.split(':');
  const action =
    type === 'assign'
      ? { type: 'assign', assigneeId: arg === 'none' ? null : arg === 'me' ? me.id : arg }
      : type === 'status'
        ? { type: 'status', status: arg }
        : { type };
  try {
    const results = await api('/tickets/bulk', { method: 'POST', body: { ticketIds: ids, action } });
    const refused = results.filter((r) => !r.ok);
    flash(
      `${results.length - refused.length} of ${results.length} tickets updated` +
        (refused.length ? `; refused: ${refused.map((r) => r.error.message).join('; ')}` : ''),
    );
    bulkAction.value = '';
    await Promise.all([load(false), loadStats()]);
  } catch (error) {
    showError(failure, error);
  }
}

await Promise.all([loadStats().catch((e) => showError(failure, e)), load(false)]);
