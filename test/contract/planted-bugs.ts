/**
 * Memory stores with one bug planted each: what a plausible third-party store gets
 * wrong. `certify.test.ts` proves the exported contract suite fails for every one.
 */
import { memoryStore } from '../../adapters/memory/index.js';
import { parseSearch } from '../../src/search/search-query.js';
import { StatsAccumulator, ticketSums } from '../../src/stats/stats-accumulator.js';
import type { StoreScope, StoreTx, TicketStore } from '../../src/store.js';
import type { Ticket } from '../../src/types.js';

type StoreOverrides = (base: TicketStore) => Partial<TicketStore>;
type TxOverrides = (tx: StoreTx) => Partial<StoreTx>;

/** The memory store with some methods (of the store, or of every `tx`) replaced. */
function plant(store: StoreOverrides = () => ({}), tx: TxOverrides = () => ({})): () => TicketStore {
  return () => {
    const base = memoryStore();
    const wrapTx = (inner: StoreTx): StoreTx => {
      const replaced = tx(inner);
      return new Proxy(inner, {
        get: (target, prop) => {
          const own = (replaced as Record<string | symbol, unknown>)[prop];
          if (own !== undefined) return own;
          const value = Reflect.get(target, prop) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    };
    const wrapped: TicketStore = {
      findTicket: (s, r) => base.findTicket(s, r),
      listMessages: (s, id) => base.listMessages(s, id),
      listTickets: (s, q) => base.listTickets(s, q),
      getStats: (s, q) => base.getStats(s, q),
      listAudit: (t, id) => base.listAudit(t, id),
      listStale: (t, st, b, l) => base.listStale(t, st, b, l),
      findMessage: (s, id) => base.findMessage(s, id),
      listFilters: (t, staff) => base.listFilters(t, staff),
      countOpenByAssignee: (t, ids, st) => base.countOpenByAssignee(t, ids, st),
      findAttachment: (s, id) => base.findAttachment(s, id),
      listTicketAttachments: (t, id) => base.listTicketAttachments(t, id),
      attachmentKeysExist: (t, keys) => base.attachmentKeysExist(t, keys),
      markDelivered: (t, ids) => base.markDelivered(t, ids),
      claimUndelivered: (t, o, l) => base.claimUndelivered(t, o, l),
      findEmailMessages: (t, ids) => base.findEmailMessages(t, ids),
      claimDispatch: (t, n, u, l) => base.claimDispatch(t, n, u, l),
      finishDispatch: (t, o) => base.finishDispatch(t, o),
      listParked: (t, l, a) => base.listParked(t, l, a),
      requeueParked: (t, ids, n) => base.requeueParked(t, ids, n),
      transaction: (fn) => base.transaction((inner) => fn(wrapTx(inner))),
    };
    return { ...wrapped, ...store(wrapped) };
  };
}

const everything = (tenantId: string): StoreScope => ({ tenantId, visibility: 'staff', includeDeleted: true });
const all = { sort: 'oldest', limit: 201 } as const;

/** Every planted bug: a name, the store, and a fragment of a test title that must catch it. */
export const PLANTED_BUGS: { bug: string; createStore: () => TicketStore; caughtBy: string }[] = [
  {
    bug: 'claimUndelivered ignores the tenant',
    caughtBy: 'never another tenant’s',
    createStore: (() => {
      const tenants = new Set<string>();
      return plant(
        (base) => ({
          claimUndelivered: async (tenantId, olderThan, limit) => {
            const out = [];
            for (const t of new Set([tenantId, ...tenants])) out.push(...(await base.claimUndelivered(t, olderThan, limit)));
            return out.slice(0, limit);
          },
        }),
        (tx) => ({
          insertOutbox: (tenantId, event) => {
            tenants.add(tenantId);
            return tx.insertOutbox(tenantId, event);
          },
        }),
      );
    })(),
  },
  {
    bug: 'getStats counts soft-deleted tickets',
    caughtBy: 'deleted tickets never counted',
    createStore: plant((base) => ({
      getStats: async (scope, q) => {
        const stats = new StatsAccumulator(q);
        for (const t of await base.listTickets({ ...scope, includeDeleted: true }, all)) {
          if ((q.createdFrom && t.createdAt < q.createdFrom) || (q.createdTo && t.createdAt >= q.createdTo)) continue;
          stats.add({
            ...t,
            ...ticketSums({
              createdAt: t.createdAt.getTime(),
              firstResponseAt: t.firstResponseAt?.getTime() ?? null,
              resolvedAt: t.resolvedAt?.getTime() ?? null,
              firstResponseMet: t.sla.firstResponseMet,
              resolutionMet: t.sla.resolutionMet,
            }),
          });
        }
        return stats.result();
      },
    })),
  },
  {
    bug: 'listStale returns deleted tickets',
    caughtBy: 'never a deleted one',
    createStore: plant((base) => ({
      listStale: async (tenantId, statuses, before, limit) =>
        (await base.listTickets(everything(tenantId), { ...all, status: statuses }))
          .filter((t) => t.statusChangedAt < before)
          .sort((a, b) => a.statusChangedAt.getTime() - b.statusChangedAt.getTime())
          .slice(0, limit),
    })),
  },
  {
    bug: 'claimSlaAlerts claims deleted tickets',
    caughtBy: 'never a deleted or another tenant’s',
    createStore: plant(undefined, (tx) => ({
      claimSlaAlerts: async (tenantId, alert, now, limit) => {
        const claimed: Ticket[] = await tx.claimSlaAlerts(tenantId, alert, now, limit);
        const field = alert.kind === 'warning' ? `${alert.target}WarnedAt` : `${alert.target}BreachedAt`;
        const due = (t: Ticket) =>
          alert.kind === 'warning' ? t.sla[`${alert.target}WarnAt`] : alert.target === 'firstResponse' ? t.firstResponseDueAt : t.resolutionDueAt;
        for (const t of await tx.listTickets(everything(tenantId), all)) {
          const at = due(t);
          if (!t.deletedAt || at === null || at > now || (t.sla as unknown as Record<string, unknown>)[field] || claimed.length >= limit) continue;
          const sla = { ...t.sla, [field]: now };
          if (await tx.updateTicket(tenantId, t.id, t.version, { sla })) claimed.push({ ...t, sla, version: t.version + 1 });
        }
        return claimed;
      },
    })),
  },
  {
    bug: 'listMessages drops the scope',
    caughtBy: 'listMessages included',
    createStore: plant((base) => ({
      listMessages: (scope, id) => base.listMessages({ tenantId: scope.tenantId, visibility: scope.visibility, includeDeleted: true }, id),
    })),
  },
  {
    bug: 'markDelivered does nothing',
    caughtBy: 'marks events delivered',
    createStore: plant(() => ({ markDelivered: async () => undefined })),
  },
  {
    bug: 'system notes count as replies',
    caughtBy: 'system notes and the opening message are not replies',
    createStore: plant((base) => ({
      listTickets: async (scope, q) =>
        Promise.all(
          (await base.listTickets(scope, q)).map(async (t) => ({
            ...t,
            replyCount: t.replyCount + (await base.listMessages(scope, t.id)).filter((m) => m.authorType === 'system').length,
          })),
        ),
    })),
  },
  {
    bug: 'listTickets ignores resellerId',
    caughtBy: 'honours tenant, subscriber, reseller',
    createStore: plant((base) => ({
      listTickets: (scope, q) => base.listTickets({ ...scope, resellerId: undefined }, q),
    })),
  },
  {
    bug: 'nextSequence is not given back on rollback (gaps)',
    caughtBy: 'no gaps and no repeats',
    createStore: (() => {
      const issued = new Map<string, number>();
      return plant(undefined, () => ({
        nextSequence: async (tenantId, key) => {
          const next = (issued.get(`${tenantId}\0${key}`) ?? 0) + 1;
          issued.set(`${tenantId}\0${key}`, next);
          return next;
        },
      }));
    })(),
  },
  {
    bug: 'updateTicket ignores expectedVersion',
    caughtBy: 'only at the expected version',
    createStore: plant(undefined, (tx) => ({
      updateTicket: async (tenantId, id, _expected, patch) => {
        const current = await tx.findTicket(everything(tenantId), id);
        return current ? tx.updateTicket(tenantId, id, current.version, patch) : false;
      },
    })),
  },
  {
    bug: 'updateTicket silently drops fields it does not know',
    caughtBy: 'refuses unknown patch fields',
    createStore: plant(undefined, (tx) => ({
      updateTicket: (tenantId, id, expected, patch) => {
        const { nope: _n, subscriberId: _s, resellerId: _r, createdByType: _c, id: _i, number: _u, ...kept } = patch as Record<string, unknown>;
        return tx.updateTicket(tenantId, id, expected, kept);
      },
    })),
  },
  {
    bug: 'findTicket prefers a number match over an id match',
    caughtBy: 'resolves a ref that is one ticket’s id and another’s number',
    createStore: plant((base) => ({
      findTicket: async (scope, ref) =>
        (await base.listTickets(scope, { ...all, search: parseSearch(ref) })).find((t) => t.number === ref) ?? base.findTicket(scope, ref),
    })),
  },
  {
    bug: 'a nested transaction deadlocks',
    caughtBy: 'refuses a nested transaction',
    createStore: () => {
      // A store that serialises transactions without detecting nesting.
      const base = plant()();
      let tail: Promise<unknown> = Promise.resolve();
      return {
        ...base,
        transaction: (fn) => {
          const run = tail.then(() => base.transaction(fn));
          tail = run.catch(() => undefined);
          return run;
        },
      };
    },
  },
  {
    bug: 'claimSlaAlerts takes tickets in insertion order, not by due time',
    caughtBy: 'earliest due first under a limit',
    createStore: plant(undefined, (tx) => ({
      claimSlaAlerts: async (tenantId, alert, now, limit) => {
        // Claims everything due, then hands back (and keeps) only the first `limit` in table order.
        const every = await tx.claimSlaAlerts(tenantId, alert, now, 1000);
        const byNumber = every.sort((a, b) => Number(a.number.slice(4)) - Number(b.number.slice(4)));
        const field = alert.kind === 'warning' ? `${alert.target}WarnedAt` : `${alert.target}BreachedAt`;
        for (const t of byNumber.slice(limit)) {
          await tx.updateTicket(tenantId, t.id, t.version, { sla: { ...t.sla, [field]: null } });
        }
        return byNumber.slice(0, limit);
      },
    })),
  },
];
