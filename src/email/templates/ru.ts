/**
 * ticketry's own mails in Russian (ISPmanager's and BILLmanager's panels speak it).
 */
import type { EmailPhrases, SlaTarget } from '../email-phrases.js';

const target = (t: SlaTarget) => (t === 'firstResponse' ? 'первого ответа' : 'решения');

export const ru: EmailPhrases = {
  locale: 'ru-RU',
  greeting: (name) => (name ? `Здравствуйте, ${name}!` : 'Здравствуйте!'),
  viewTicket: 'Открыть заявку',
  customerReplyNote: (number) => `Чтобы ответить, ответьте на это письмо; сохраните [${number}] в теме.`,
  staffReplyNote: 'Это уведомление: отвечайте в службе поддержки, а не ответом на это письмо.',
  details: (priority, category) => `Приоритет: ${priority}, категория: ${category}.`,
  created: {
    acknowledgement: (number) =>
      `Мы получили ваше обращение и открыли заявку ${number}. Мы ответим вам как можно скорее.`,
    yourMessage: 'Ваше сообщение',
    openedForYou: (number) => `Мы открыли для вас заявку ${number}.`,
    toAssignee: (number, from) => `Новая заявка ${number}${from ? ` от ${from}` : ''}, назначена вам.`,
    toQueue: (number, from) => `Новая заявка ${number}${from ? ` от ${from}` : ''} в очереди вашего отдела.`,
  },
  replied: {
    toCustomer: (number) => `В вашей заявке ${number} новый ответ.`,
    toStaff: (number, from) => `${from ?? 'Клиент'} ответил(а) в заявке ${number}.`,
  },
  status: {
    resolved: (number) =>
      `Ваша заявка ${number} решена. Если проблема осталась, ответьте на это письмо, и мы откроем её снова.`,
    closed: (number) => `Ваша заявка ${number} закрыта. Если вам нужно что-то ещё по ней, ответьте на это письмо.`,
  },
  assigned: {
    subject: 'Назначена вам',
    text: (number, by) => `Заявка ${number} назначена вам${by ? ` (назначил(а) ${by})` : ''}.`,
  },
  sla: {
    warningSubject: 'Предупреждение SLA',
    breachedSubject: 'Нарушение SLA',
    warning: (number, t, due) => `Срок ${target(t)} по заявке ${number} подходит к концу: ${due}.`,
    breached: (number, t, due) => `Срок ${target(t)} по заявке ${number} нарушен: он истёк ${due}.`,
  },
};
