// A new ticket from the customer portal (seed 001): subject, category with what to
// include for it, priority, description. On success the ticket's page opens.
import { api, h, initPage, showError } from './app.js';

const main = document.getElementById('main');
await initPage('/portal/new');

// Seed 001's "what to include" per category.
const CATEGORIES = [
  ['general', 'General', 'What you’re trying to do, what’s actually happening, what you’ve already tried.'],
  ['slow_speed', 'Slow speed', 'What speed are you supposed to get? What speed are you measuring? Which device, wired or WiFi, time of day. Tried a reboot?'],
  ['connectivity', 'Connectivity / no internet', 'When did it start? Are all devices affected? Router LEDs status. Tried a power cycle?'],
  ['wifi', 'WiFi', 'When did it start? Are all devices affected? Router LEDs status. Tried a power cycle? Plus: any recent SSID / password changes? Range issues vs total drop?'],
  ['billing', 'Billing', 'Invoice number, transaction date, exact amount you’re disputing.'],
  ['other', 'Other', 'What you’re trying to do, what’s actually happening, what you’ve already tried.'],
];
const PRIORITIES = [
  ['low', 'Low: cosmetic, not time-sensitive'],
  ['normal', 'Normal'],
  ['high', 'High: major impact but workable'],
  ['urgent', 'Urgent: service is down'],
];

const failure = h('p', { class: 'error', role: 'alert', hidden: true });
const subject = h('input', { id: 'new-subject', name: 'subject', required: true, maxlength: 200, 'data-testid': 'new-subject', placeholder: 'Slow speeds in the evening' });
const category = h('select', { id: 'new-category', name: 'category', 'data-testid': 'new-category', 'aria-describedby': 'category-hint' }, CATEGORIES.map(([value, label]) => h('option', { value }, label)));
const hint = h('p', { id: 'category-hint', class: 'hint', 'aria-live': 'polite' });
const priority = h('select', { id: 'new-priority', name: 'priority', 'data-testid': 'new-priority' }, PRIORITIES.map(([value, label]) => h('option', { value, selected: value === 'normal' }, label)));
const body = h('textarea', { id: 'new-body', name: 'body', rows: 8, required: true, 'data-testid': 'new-body', 'aria-describedby': 'category-hint' });
const submit = h('button', { type: 'submit', 'data-testid': 'new-submit' }, 'Create ticket');

const showHint = () => {
  const entry = CATEGORIES.find(([value]) => value === category.value);
  hint.replaceChildren(h('strong', {}, 'Include: '), entry ? entry[2] : '');
};
category.addEventListener('change', showHint);
showHint();

const field = (label, control, extra) => h('div', { class: 'field' }, h('label', { for: control.id }, label), control, extra);

main.replaceChildren(
  h('p', { class: 'crumbs' }, h('a', { href: '/portal' }, '← My tickets')),
  h('h1', {}, 'New ticket'),
  h('p', { class: 'muted' }, 'A specific ticket gets a fast answer. We already see your line, usage and router; tell us what you experience.'),
  failure,
  h(
    'form',
    { class: 'new-ticket', on: { submit: create } },
    field('Subject', subject),
    field('Category', category, hint),
    field('Priority', priority, h('p', { class: 'hint' }, 'Use urgent only when your service is down.')),
    field('Description', body),
    h('div', { class: 'actions' }, submit, ' ', h('a', { href: '/portal' }, 'Cancel')),
  ),
);

async function create(event) {
  event.preventDefault();
  failure.hidden = true;
  submit.disabled = true;
  try {
    const ticket = await api('/tickets', {
      method: 'POST',
      body: { subject: subject.value, body: body.value, category: category.value, priority: priority.value },
    });
    location.assign(`/portal/tickets/${encodeURIComponent(ticket.number)}`);
  } catch (error) {
    showError(failure, error);
    const invalid = { subject, body, category, priority }[error.field];
    if (invalid) invalid.focus();
    submit.disabled = false;
  }
}
