/**
 * One pass of the IMAP intake: every mail waiting in the mailbox, oldest UID first, is
 * streamed into `desk.ingestEmail`, and each batch is then moved or flagged.
 *
 * Why this order is safe: a mail leaves the mailbox (or gets its keyword) only after its
 * ingest returned, so a crash in between leaves it in place; the next pass ingests it again,
 * which `ingestEmail` answers with `duplicate` (idempotent by Message-ID) and writes nothing,
 * and then it is moved. Two intakes on one mailbox may likewise both ingest a mail; the
 * second gets `duplicate`. Oldest first matters: a reply must find the ticket its original opened.
 */
import type { FetchMessageObject, ImapFlow, SearchObject } from 'imapflow';
import { InternalError, TicketError, UnavailableError } from '../../src/errors.js';
import type { IngestResult } from '../../src/email/email-types.js';
import { ConfigError } from '../../src/errors.js';
import { imapError, type ImapConnection, type LiveConnection } from './imap-connection.js';
import type { CheckedIntakeOptions, ImapIntakeErrorContext, ImapIntakeSummary, IntakeDisposition } from './imap-intake-options.js';

/** Sources are fetched in chunks this large: few round trips, and at most this much buffered by imapflow. */
const CHUNK_BYTES = 1024 * 1024;

/** Reports an error to the host's `onError` (a throw there is swallowed: it must not stop the intake). */
export function reportError(o: CheckedIntakeOptions, error: TicketError, context: ImapIntakeErrorContext): void {
  try {
    if (o.onError) o.onError(error, context);
    else console.error(`[ticketry] imapIntake (${context.mailbox}${context.uid === undefined ? '' : ` uid ${context.uid}`}):`, error);
  } catch {
    // The host's error hook failing leaves nothing better to do than carry on.
  }
}

/** A desk's throw as a ticketry error (a wrapped desk might throw anything). */
function asTicketError(err: unknown): TicketError {
  return TicketError.is(err) ? err : new InternalError(`desk.ingestEmail threw: ${String(err)}`, { cause: err });
}

/** Runs one pass over `o.mailbox`. Rejects with `unavailable` when the connection fails (mail already handled stays handled). */
export async function runPass(
  o: CheckedIntakeOptions,
  conn: ImapConnection,
  shouldStop: () => boolean,
  failures: Map<string, number>,
): Promise<ImapIntakeSummary> {
  const summary: ImapIntakeSummary = { found: 0, created: 0, replied: 0, duplicate: 0, ignored: 0, refused: 0, failed: 0, setAside: 0, left: 0 };
  const live = await conn.get();
  const { client } = live;
  const server = conn.server;
  // Any imapflow failure past this point: the connection is in an unknown state, start afresh next pass.
  const fail = (err: unknown, doing: string): TicketError => {
    if (TicketError.is(err)) return err;
    conn.drop();
    return imapError(err, doing, server);
  };

  let lock: Awaited<ReturnType<ImapFlow['getMailboxLock']>>;
  let opened = false;
  const onOpen = (): void => {
    opened = true;
  };
  client.once('mailboxOpen', onOpen);
  try {
    lock = await client.getMailboxLock(o.mailbox);
  } catch (err) {
    if ((err as { mailboxMissing?: boolean } | null)?.mailboxMissing) {
      throw new ConfigError(`imapIntake: the mailbox ${o.mailbox} does not exist on ${server}`, {
        cause: err,
        params: { field: 'mailbox', mailbox: o.mailbox },
      });
    }
    throw fail(err, `opening ${o.mailbox}`);
  } finally {
    client.off('mailboxOpen', onOpen);
  }
  try {
    // On a connection kept from an earlier pass the mailbox is still selected: a NOOP brings
    // the session's view up to date (mail moved away by another intake, new arrivals).
    if (!opened) {
      await client.noop().catch((err: unknown) => {
        throw fail(err, `refreshing ${o.mailbox}`);
      });
    }
    await prepare(o, live, server).catch((err: unknown) => {
      throw fail(err, 'preparing the target mailboxes');
    });
    const uids = await findWaiting(o, live, server).catch((err: unknown) => {
      throw fail(err, `searching ${o.mailbox}`);
    });
    // UIDs are only unique within one UIDVALIDITY of the mailbox.
    const box = client.mailbox;
    const failureKey = (uid: number) => `${box === false ? '' : String(box.uidValidity)}:${uid}`;
    summary.found = uids.length;
    let reached = 0;
    for (let start = 0; start < uids.length; start += o.batchSize) {
      if (shouldStop()) break;
      const batch = uids.slice(start, start + o.batchSize);
      const mails = await fetchBatch(client, batch).catch((err: unknown) => {
        throw fail(err, `fetching from ${o.mailbox}`);
      });
      let storeDown = false;
      // Ingested, waiting to be moved or flagged: one command per target for the whole batch
      // (a MOVE costs Dovecot ~5 ms whether it carries one UID or fifty).
      const done: Ingested[] = [];
      try {
        for (const mail of mails) {
          if (shouldStop()) break;
          reached += 1;
          // Another intake moved or flagged it since the search.
          if (isDone(o, mail)) continue;
          const ingested = await ingestOne(o, live, mail, server);
          if (ingested === 'gone') continue;
          if (TicketError.is(ingested)) {
            summary.failed += 1;
            reportError(o, ingested, { mailbox: o.mailbox, uid: mail.uid });
            // The store is down: every further mail would fail the same way.
            if (ingested.code === 'unavailable') {
              storeDown = true;
              break;
            }
            // The mail's own failure: after maxFailures, set it aside with what opened nothing.
            const key = failureKey(mail.uid);
            const count = (failures.get(key) ?? 0) + 1;
            failures.set(key, count);
            if (count >= o.maxFailures) {
              failures.delete(key);
              done.push({ uid: mail.uid, result: null, disposition: o.refused });
              reportError(
                o,
                new InternalError(`imapIntake: uid ${mail.uid} failed ${count} times; set aside to ${describeDisposition(o.refused)}`, {
                  cause: ingested,
                  params: { uid: mail.uid, failures: count },
                }),
                { mailbox: o.mailbox, uid: mail.uid },
              );
            }
            continue;
          }
          done.push({ uid: mail.uid, result: ingested, disposition: dispositionOf(o, ingested) });
        }
      } finally {
        // Also when the connection failed: then this fails too, and the mails are ingested
        // again next pass (as duplicates) and moved then.
        if (done.length > 0 && !live.lost) {
          await disposeAll(live, done, server).catch((err: unknown) => {
            throw fail(err, `moving or flagging mail in ${o.mailbox}`);
          });
          for (const d of done) {
            if (d.result === null) {
              summary.setAside += 1;
              continue;
            }
            summary[d.result.outcome] += 1;
            notify(o, { ...d, result: d.result });
          }
        }
      }
      // Mails the batch fetch did not return (gone meanwhile) count as reached.
      reached += batch.length - mails.length;
      if (storeDown) break;
    }
    summary.left = uids.length - Math.min(reached, uids.length);
    return summary;
  } finally {
    try {
      lock.release();
    } catch {
      // A lock on a lost connection has nothing left to release.
    }
  }
}

/** Once per connection: the target mailboxes exist, and a keyword can be set in the mailbox. */
async function prepare(o: CheckedIntakeOptions, live: LiveConnection, server: string): Promise<void> {
  const { client } = live;
  for (const d of [o.processed, o.refused]) {
    if ('moveTo' in d) {
      if (live.ensured.has(d.moveTo)) continue;
      // CREATE answers ALREADYEXISTS (imapflow: created: false) when it is there.
      await client.mailboxCreate(d.moveTo);
      live.ensured.add(d.moveTo);
    } else {
      const box = client.mailbox;
      const permanent = box === false ? undefined : box.permanentFlags;
      // Without it the server would silently drop the keyword and every pass would read the mail again.
      if (permanent !== undefined && !permanent.has('\\*') && !permanent.has(d.flag)) {
        throw new ConfigError(`imapIntake: ${server} does not allow setting the keyword ${d.flag} in ${o.mailbox}; use { moveTo } instead`, {
          params: { field: 'processed.flag', flag: d.flag },
        });
      }
    }
  }
}

/** The UIDs of the mails still waiting, ascending (UIDs grow with arrival: oldest first). */
async function findWaiting(o: CheckedIntakeOptions, live: LiveConnection, server: string): Promise<number[]> {
  // A mail marked \Deleted is on its way out (another client, or a MOVE emulated with COPY + EXPUNGE).
  const flags = [...new Set([o.processed, o.refused].flatMap((d) => ('flag' in d ? [d.flag] : [])))];
  const query: SearchObject = { deleted: false };
  if (flags[0] !== undefined) query.unKeyword = flags[0];
  if (flags[1] !== undefined) query.not = { keyword: flags[1] };
  const found = await live.client.search(query, { uid: true });
  if (!Array.isArray(found)) {
    if (live.lost || !live.client.usable) throw lostConnection(live, `searching ${o.mailbox}`, server);
    throw new UnavailableError(`IMAP searching ${o.mailbox} on ${server} failed: the server refused the search`, {
      params: { server, mailbox: o.mailbox },
    });
  }
  return found.sort((a, b) => a - b);
}

/** UID, internal date and flags of a batch (no sources: those are streamed one at a time). */
async function fetchBatch(client: ImapFlow, uids: number[]): Promise<FetchMessageObject[]> {
  const mails: FetchMessageObject[] = [];
  for await (const m of client.fetch(uids.join(','), { uid: true, internalDate: true, flags: true }, { uid: true })) mails.push(m);
  return mails.sort((a, b) => a.uid - b.uid);
}

function isDone(o: CheckedIntakeOptions, mail: FetchMessageObject): boolean {
  if (mail.flags?.has('\\Deleted')) return true;
  for (const d of [o.processed, o.refused]) if ('flag' in d && mail.flags?.has(d.flag)) return true;
  return false;
}

/**
 * Streams one mail's source into `desk.ingestEmail`. Resolves to the result, to the desk's
 * error (the mail stays for the next pass), or to 'gone' (moved away meanwhile); rejects
 * with `unavailable` when the connection failed while the source was being read.
 */
async function ingestOne(
  o: CheckedIntakeOptions,
  live: LiveConnection,
  mail: FetchMessageObject,
  server: string,
): Promise<IngestResult | TicketError | 'gone'> {
  const { client } = live;
  let download: Awaited<ReturnType<ImapFlow['download']>>;
  try {
    download = await client.download(String(mail.uid), undefined, { uid: true, chunkSize: CHUNK_BYTES });
  } catch (err) {
    live.lost = true;
    client.close();
    throw imapError(err, `reading uid ${mail.uid}`, server);
  }
  const content = 'content' in download ? download.content : undefined;
  if (content === undefined) {
    // imapflow answers "nothing" rather than failing when the connection went away.
    if (live.lost || !client.usable) throw lostConnection(live, `reading uid ${mail.uid}`, server);
    return 'gone';
  }
  let streamError: unknown;
  content.on('error', (err: unknown) => {
    streamError ??= err;
  });
  const date = mail.internalDate === undefined ? undefined : new Date(mail.internalDate);
  const receivedAt = date !== undefined && !Number.isNaN(date.getTime()) ? date : undefined;
  try {
    return await o.desk.ingestEmail(content, receivedAt === undefined ? {} : { receivedAt });
  } catch (err) {
    // A source cut off by a lost connection is the connection's failure, not the mail's.
    if (streamError !== undefined || live.lost || !client.usable) {
      live.lost = true;
      client.close();
      throw imapError(streamError ?? err, `reading uid ${mail.uid}`, server);
    }
    return asTicketError(err);
  } finally {
    // The desk may stop reading early (a mail over its size limit): stop imapflow fetching more.
    if (!content.destroyed) content.destroy();
  }
}

function dispositionOf(o: CheckedIntakeOptions, result: IngestResult): IntakeDisposition {
  return result.outcome === 'ignored' || result.outcome === 'refused' ? o.refused : o.processed;
}

/** A mail ingested in this batch (or, `result: null`, set aside after failing), and where it goes. */
interface Ingested {
  uid: number;
  result: IngestResult | null;
  disposition: IntakeDisposition;
}

const describeDisposition = (d: IntakeDisposition): string => ('moveTo' in d ? d.moveTo : `the keyword ${d.flag}`);

function notify(o: CheckedIntakeOptions, d: Ingested & { result: IngestResult }): void {
  if (!o.onResult) return;
  try {
    o.onResult({ mailbox: o.mailbox, uid: d.uid, result: d.result, disposition: d.disposition });
  } catch (err) {
    reportError(o, new InternalError(`imapIntake: onResult threw: ${String(err)}`, { cause: err }), { mailbox: o.mailbox, uid: d.uid });
  }
}

/** Moves or flags the batch's mails, one command per target; rejects unless the server confirmed each. */
async function disposeAll(live: LiveConnection, done: readonly Ingested[], server: string): Promise<void> {
  const byTarget = new Map<string, { d: IntakeDisposition; uids: number[] }>();
  for (const { uid, disposition: d } of done) {
    const key = 'moveTo' in d ? `m:${d.moveTo}` : `f:${d.flag}`;
    const entry = byTarget.get(key) ?? { d, uids: [] };
    entry.uids.push(uid);
    byTarget.set(key, entry);
  }
  const { client } = live;
  for (const { d, uids } of byTarget.values()) {
    const range = uids.join(',');
    // imapflow resolves to false or undefined (not a rejection) when the connection is gone.
    const ok =
      'moveTo' in d ? await client.messageMove(range, d.moveTo, { uid: true }) : await client.messageFlagsAdd(range, [d.flag], { uid: true });
    if (ok) continue;
    const doing = 'moveTo' in d ? `moving uid ${range} to ${d.moveTo}` : `setting ${d.flag} on uid ${range}`;
    if (live.lost || !client.usable) throw lostConnection(live, doing, server);
    throw new UnavailableError(`IMAP ${doing} on ${server} failed: the server did not confirm it`, { params: { server } });
  }
}

/** The connection is gone: an `unavailable` error, and the next pass opens a new one. */
function lostConnection(live: LiveConnection, doing: string, server: string): UnavailableError {
  live.lost = true;
  live.client.close();
  return new UnavailableError(`IMAP ${doing} on ${server} failed: the connection was lost`, { params: { server } });
}
