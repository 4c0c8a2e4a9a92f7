// Shared helpers of the demo pages: the API client, the page header, DOM building, and
// the one place message HTML enters the page (renderMessageHtml).
//
// Every element is built with the DOM API and every piece of text set as a text node:
// no page builds HTML from strings, so nothing a customer or staff member typed can
// become markup.

/** Creates an element. `attrs`: attributes (strings), `class`, `on` (event listeners), `dataset`. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'on') for (const [type, fn] of Object.entries(value)) el.addEventListener(type, fn);
    else if (name === 'class') el.className = value;
    else if (name === 'value' && 'value' in el) el.value = value;
    else if (name === 'checked' || name === 'selected' || name === 'disabled') el[name] = Boolean(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Appends children: nodes, strings (as text), arrays, skipping null/false. */
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** An error the API answered with: `status`, `code`, `message`, `field`. */
export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = error?.code ?? 'unknown';
    this.field = error?.field;
  }
}

/** Calls the ticketry API at /api. Sends to the sign-in page when the session is gone. */
export async function api(path, { method = 'GET', body } = {}) {
  const response = await fetch(`/api${path}`, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) {
    location.assign('/');
    throw new ApiError(401, { code: 'unauthenticated', message: 'Signed out' });
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data?.error);
  return data;
}

/** The signed-in demo session (`/demo/me`), or null. */
export async function whoAmI() {
  const response = await fetch('/demo/me', { credentials: 'same-origin' });
  return response.ok ? response.json() : null;
}

/** Fills the page header: brand, navigation for the actor's side, who is signed in, sign out. */
export async function initPage(current) {
  const me = await whoAmI();
  const header = document.getElementById('site-header');
  if (!header) return me;
  const links = !me
    ? []
    : me.kind === 'customer'
      ? [['/portal', 'My tickets'], ['/portal/new', 'New ticket']]
      : [['/queue', 'Queue'], ['/stats', 'Reports']];
  header.replaceChildren(
    h('a', { class: 'brand', href: me ? (me.kind === 'customer' ? '/portal' : '/queue') : '/' }, 'ticketry', h('span', { class: 'brand-sub' }, ' help desk')),
    h(
      'nav',
      { 'aria-label': 'Main' },
      links.map(([href, text]) => h('a', { href, 'aria-current': current === href ? 'page' : undefined }, text)),
    ),
    me
      ? h(
          'div',
          { class: 'session' },
          h('span', { 'data-testid': 'whoami', class: 'whoami', title: me.label }, me.name, h('small', {}, ` · ${me.label}`)),
          h(
            'form',
            { method: 'post', action: '/demo/sign-out' },
            h('button', { type: 'submit', class: 'link-button', 'data-testid': 'signout' }, 'Sign out'),
          ),
        )
      : h('div', { class: 'session' }, h('a', { href: '/' }, 'Sign in')),
  );
  return me;
}

const ALLOWED = new Set([
  'p', 'br', 'strong', 'b', 'em', 'i', 'del', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'hr',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span', 'sup', 'sub', 'input',
]);

/**
 * The message's HTML (already sanitised by ticketry on the server) as DOM nodes, copied
 * element by element from an inert parse: only the tags above, only safe attributes
 * (http(s)/mailto links, GFM task-list checkboxes). Nothing in it can run: DOMParser
 * runs no script and loads nothing, and the copy carries no event handler or style.
 */
export function renderMessageHtml(html) {
  const doc = new DOMParser().parseFromString(String(html ?? ''), 'text/html');
  const fragment = document.createDocumentFragment();
  copyChildren(doc.body, fragment);
  return fragment;
}

function copyChildren(from, to) {
  for (const node of from.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) to.append(document.createTextNode(node.data));
    else if (node.nodeType === Node.ELEMENT_NODE) {
      const tag = node.localName;
      if (tag === 'script' || tag === 'style' || tag === 'template') continue;
      if (!ALLOWED.has(tag)) {
        copyChildren(node, to); // keep the text of an unknown wrapper, drop the element
        continue;
      }
      const el = document.createElement(tag);
      if (tag === 'a') {
        const href = node.getAttribute('href') ?? '';
        if (/^(https?:|mailto:)/i.test(href)) {
          el.setAttribute('href', href);
          el.setAttribute('rel', 'noopener noreferrer nofollow');
          el.setAttribute('target', '_blank');
        }
      } else if (tag === 'input') {
        if (node.getAttribute('type') !== 'checkbox') continue;
        el.setAttribute('type', 'checkbox');
        el.disabled = true;
        el.checked = node.hasAttribute('checked');
      } else if ((tag === 'th' || tag === 'td') && /^(left|right|center)$/.test(node.getAttribute('align') ?? '')) {
        el.setAttribute('align', node.getAttribute('align'));
      }
      copyChildren(node, el);
      to.append(el);
    }
  }
}

/** Renders the "not found" page body into `main` (a ticket out of scope reads the same as one that does not exist). */
export function showNotFound(main, backHref, backText) {
  main.replaceChildren(
    h(
      'section',
      { class: 'not-found', 'data-testid': 'not-found', role: 'alert' },
      h('h1', {}, 'Ticket not found'),
      h('p', {}, 'There is no such ticket, or it is not one you can see.'),
      h('p', {}, h('a', { href: backHref }, backText)),
    ),
  );
}

/** Shows an error in an element with role=alert. */
export function showError(el, error) {
  el.textContent = error instanceof ApiError ? error.message : `Something went wrong: ${error?.message ?? error}`;
  el.hidden = false;
}

export const STATUSES = ['open', 'in_progress', 'pending', 'on_hold', 'resolved', 'closed'];
export const PRIORITIES = ['urgent', 'high', 'normal', 'low'];
export const UNRESOLVED = ['open', 'in_progress', 'pending', 'on_hold'];

/** `in_progress` -> `in progress`. */
export function humanize(value) {
  return String(value ?? '').replaceAll('_', ' ');
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export function formatDate(iso) {
  return iso ? dateFormat.format(new Date(iso)) : '';
}

/** "5 min", "3 h", "2 d": the size of a span of milliseconds. */
export function formatSpan(ms) {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = minutes / 60;
  if (hours < 48) return `${Math.round(hours * 10) / 10} h`;
  return `${Math.round((hours / 24) * 10) / 10} d`;
}

/** "3 h ago" for a past instant. */
export function ago(iso) {
  if (!iso) return '';
  const ms = Date.now() - new Date(iso).getTime();
  return ms < 60_000 ? 'just now' : `${formatSpan(ms)} ago`;
}

/** A `<time>` element showing `text`, with the full date as title. */
export function timeEl(iso, text) {
  return h('time', { datetime: iso, title: formatDate(iso) }, text ?? formatDate(iso));
}

/**
 * The SLA badge of a staff ticket: the earliest running due time (first response, then
 * resolution), as breached / due soon (within an hour) / due later. `null` when no clock runs.
 */
export function slaBadge(ticket) {
  const running = [
    ['first response', ticket.firstResponseDueAt],
    ['resolution', ticket.resolutionDueAt],
  ].filter(([, due]) => due);
  if (running.length === 0 || !UNRESOLVED.includes(ticket.status)) return null;
  running.sort((a, b) => new Date(a[1]) - new Date(b[1]));
  const [target, due] = running[0];
  const left = new Date(due).getTime() - Date.now();
  const state = left < 0 ? 'breached' : left < 60 * 60_000 ? 'soon' : 'ok';
  const text = left < 0 ? `${target} overdue ${formatSpan(left)}` : `${target} due in ${formatSpan(left)}`;
  return h('span', { class: `badge sla sla-${state}`, 'data-testid': 'sla-badge', 'data-state': state, title: `${target} due ${formatDate(due)}` }, text);
}

export function priorityBadge(priority) {
  return h('span', { class: `badge priority priority-${priority}` }, priority);
}

export function statusBadge(status, text, testid) {
  return h('span', { class: `badge status status-${status}`, 'data-status': status, 'data-testid': testid }, text ?? humanize(status));
}

/** A `<select>` with `[value, text]` options and `selected` chosen. */
export function select(attrs, options, selected) {
  return h(
    'select',
    attrs,
    options.map(([value, text]) => h('option', { value, selected: String(value) === String(selected ?? '') }, text)),
  );
}
