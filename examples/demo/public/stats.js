// Reports → Tickets (seed 000): counts, averages, backlog by category and priority, and
// resolution time by category, drawn as inline SVG (no chart library).
import { PRIORITIES, api, h, humanize, initPage, showError } from './app.js';

const main = document.getElementById('main');
await initPage('/stats');
const failure = h('p', { class: 'error', role: 'alert', hidden: true });

const SVG = 'http://www.w3.org/2000/svg';
/** An SVG element; text children become text nodes. */
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

const COLORS = { urgent: '#b42318', high: '#d9730d', normal: '#2f6fb3', low: '#7a8591' };
const colorOf = (priority) => COLORS[priority] ?? '#5b5b8f';
const WIDTH = 720;
const LABEL = 130;
const ROW = 30;

/** Horizontal bars, one per row; each row has segments `{ key, value, color, title }`. */
function barChart({ testid, title, rows, unit, legend }) {
  const max = Math.max(1, ...rows.map((r) => r.segments.reduce((n, x) => n + x.value, 0)));
  const plot = WIDTH - LABEL - 90;
  const top = legend ? 34 : 8;
  const height = top + rows.length * ROW + 8;
  const titleId = `${testid}-title`;
  const svg = s('svg', { viewBox: `0 0 ${WIDTH} ${height}`, width: '100%', role: 'img', 'aria-labelledby': titleId, 'data-testid': testid, class: 'chart' }, s('title', { id: titleId }, title));
  if (legend) {
    let x = LABEL;
    for (const [key, color] of legend) {
      svg.append(s('rect', { x, y: 8, width: 14, height: 14, fill: color, rx: 2 }), s('text', { x: x + 20, y: 20, class: 'chart-legend' }, key));
      x += 30 + key.length * 8;
    }
  }
  rows.forEach((r, i) => {
    const y = top + i * ROW;
    svg.append(s('text', { x: LABEL - 8, y: y + 19, 'text-anchor': 'end', class: 'chart-label' }, r.label));
    let x = LABEL;
    let total = 0;
    for (const seg of r.segments) {
      const w = (seg.value / max) * plot;
      svg.append(s('rect', { x, y: y + 5, width: Math.max(w, 0.5), height: ROW - 10, fill: seg.color, rx: 2 }, s('title', {}, seg.title)));
      x += w;
      total += seg.value;
    }
    svg.append(s('text', { x: x + 6, y: y + 19, class: 'chart-value' }, r.valueText ?? `${total}${unit ?? ''}`));
  });
  if (rows.length === 0) svg.append(s('text', { x: LABEL, y: top + 18, class: 'chart-label' }, 'No data yet'));
  return svg;
}

/** The numbers behind a chart, as a table, for screen readers and exact values. */
function dataTable(caption, headers, rows) {
  return h(
    'details',
    { class: 'chart-data' },
    h('summary', {}, 'Show the numbers'),
    h('table', {}, h('caption', {}, caption), h('thead', {}, h('tr', {}, headers.map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, String(c))))))),
  );
}

/** Resolved and closed tickets (archived ones too), for resolution time by category. */
async function resolvedTickets() {
  const all = [];
  for (const archived of [false, true]) {
    let cursor = null;
    for (let page = 0; page < 20; page++) {
      const q = new URLSearchParams({ status: 'resolved,closed', limit: '200', sort: 'newest' });
      if (archived) q.set('archived', 'true');
      if (cursor) q.set('cursor', cursor);
      const res = await api(`/tickets?${q}`);
      all.push(...res.items);
      cursor = res.nextCursor;
      if (!cursor) break;
    }
  }
  return all;
}

const hours = (sec) => (sec === null || sec === undefined ? '–' : `${Math.round((sec / 3600) * 10) / 10} h`);

try {
  const [stats, resolved] = await Promise.all([api('/tickets/stats'), resolvedTickets()]);
  const tile = (label, value) => h('div', { class: 'tile' }, h('span', { class: 'tile-value' }, String(value)), h('span', { class: 'tile-label' }, label));

  // Backlog: one bar per category, split by priority, biggest first.
  const byCategory = new Map();
  for (const b of stats.backlog) {
    if (!byCategory.has(b.category)) byCategory.set(b.category, {});
    byCategory.get(b.category)[b.priority] = b.count;
  }
  const priorities = [...PRIORITIES, ...new Set(stats.backlog.map((b) => b.priority).filter((p) => !PRIORITIES.includes(p)))];
  const backlogRows = [...byCategory.entries()]
    .map(([category, counts]) => ({
      label: humanize(category),
      segments: priorities.filter((p) => counts[p]).map((p) => ({ key: p, value: counts[p], color: colorOf(p), title: `${humanize(category)}, ${p}: ${counts[p]}` })),
    }))
    .sort((a, b) => b.segments.reduce((n, x) => n + x.value, 0) - a.segments.reduce((n, x) => n + x.value, 0));

  // Resolution time: mean hours from opening to the latest resolution, per category.
  const sums = new Map();
  for (const t of resolved) {
    if (!t.resolvedAt) continue;
    const e = sums.get(t.category) ?? { total: 0, n: 0 };
    e.total += (new Date(t.resolvedAt) - new Date(t.createdAt)) / 1000;
    e.n += 1;
    sums.set(t.category, e);
  }
  const resolution = [...sums.entries()].map(([category, e]) => ({ category, avg: e.total / e.n, n: e.n })).sort((a, b) => b.avg - a.avg);
  const resolutionRows = resolution.map((r) => ({
    label: humanize(r.category),
    valueText: `${hours(r.avg)} (${r.n})`,
    segments: [{ key: r.category, value: r.avg / 3600, color: '#2f6fb3', title: `${humanize(r.category)}: ${hours(r.avg)} over ${r.n} tickets` }],
  }));

  main.replaceChildren(
    h('h1', {}, 'Reports: tickets'),
    h('p', { class: 'muted' }, 'Counters and averages for the tickets you can see.'),
    h(
      'section',
      { class: 'stats', 'aria-label': 'Counts' },
      ['open', 'in_progress', 'pending', 'on_hold', 'resolved', 'closed'].map((st) => tile(humanize(st), stats.counts[st] ?? 0)),
      tile('Avg first response', hours(stats.avgFirstResponseSeconds)),
      tile('Avg resolution', hours(stats.avgResolutionSeconds)),
    ),
    h(
      'section',
      { class: 'chart-card', 'aria-labelledby': 'backlog-h' },
      h('h2', { id: 'backlog-h' }, 'Backlog by category and priority'),
      h('p', { class: 'muted small' }, 'Unresolved tickets: open, in progress, pending, on hold.'),
      barChart({ testid: 'chart-backlog', title: 'Backlog by category and priority', rows: backlogRows, legend: priorities.filter((p) => stats.backlog.some((b) => b.priority === p)).map((p) => [p, colorOf(p)]) }),
      dataTable('Backlog', ['Category', 'Priority', 'Tickets'], stats.backlog.map((b) => [humanize(b.category), b.priority, b.count])),
    ),
    h(
      'section',
      { class: 'chart-card', 'aria-labelledby': 'resolution-h' },
      h('h2', { id: 'resolution-h' }, 'Resolution time by category'),
      h('p', { class: 'muted small' }, 'Mean time from opening to resolution, resolved and closed tickets (count in brackets).'),
      barChart({ testid: 'chart-resolution', title: 'Resolution time by category, hours', rows: resolutionRows, unit: ' h' }),
      dataTable('Resolution time', ['Category', 'Mean', 'Tickets'], resolution.map((r) => [humanize(r.category), hours(r.avg), r.n])),
    ),
    h(
      'section',
      { class: 'chart-card', 'aria-labelledby': 'sla-h' },
      h('h2', { id: 'sla-h' }, 'SLA compliance'),
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, ['Priority', 'First response met', 'Resolution met'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, stats.sla.map((x) => h('tr', {}, h('td', {}, x.priority), h('td', {}, `${x.firstResponse.met} / ${x.firstResponse.total}`), h('td', {}, `${x.resolution.met} / ${x.resolution.total}`)))),
      ),
    ),
    failure,
  );
} catch (error) {
  main.append(failure);
  showError(failure, error);
}
