/**
 * ticketry's own mails in Spanish (NoxPanel's panel speaks it, seed 004).
 */
import type { EmailPhrases, SlaTarget } from '../email-phrases.js';

const target = (t: SlaTarget) => (t === 'firstResponse' ? 'primera respuesta' : 'resolución');

export const es: EmailPhrases = {
  locale: 'es-ES',
  greeting: (name) => (name ? `Hola, ${name}:` : 'Hola:'),
  viewTicket: 'Ver el ticket',
  customerReplyNote: (number) => `Responda a este correo para contestar; mantenga [${number}] en el asunto.`,
  staffReplyNote: 'Esto es una notificación: responda desde el helpdesk, no contestando a este correo.',
  details: (priority, category) => `Prioridad: ${priority}, categoría: ${category}.`,
  created: {
    acknowledgement: (number) =>
      `Hemos recibido su solicitud y hemos abierto el ticket ${number}. Le responderemos lo antes posible.`,
    yourMessage: 'Su mensaje',
    openedForYou: (number) => `Hemos abierto el ticket ${number} para usted.`,
    toAssignee: (number, from) => `Nuevo ticket ${number}${from ? ` de ${from}` : ''}, asignado a usted.`,
    toQueue: (number, from) => `Nuevo ticket ${number}${from ? ` de ${from}` : ''} en la cola de su departamento.`,
  },
  replied: {
    toCustomer: (number) => `Hay una nueva respuesta en su ticket ${number}.`,
    toStaff: (number, from) => `${from ?? 'El cliente'} ha respondido al ticket ${number}.`,
  },
  status: {
    resolved: (number) =>
      `Su ticket ${number} ha sido resuelto. Si el problema continúa, responda a este correo y lo reabriremos.`,
    closed: (number) => `Su ticket ${number} ha sido cerrado. Si necesita algo más sobre él, responda a este correo.`,
  },
  assigned: {
    subject: 'Asignado a usted',
    text: (number, by) => `El ticket ${number} le ha sido asignado${by ? ` por ${by}` : ''}.`,
  },
  sla: {
    warningSubject: 'Aviso de SLA',
    breachedSubject: 'SLA incumplido',
    warning: (number, t, due) => `El objetivo de ${target(t)} del ticket ${number} está cerca: vence el ${due}.`,
    breached: (number, t, due) => `El objetivo de ${target(t)} del ticket ${number} se ha incumplido: vencía el ${due}.`,
  },
};
