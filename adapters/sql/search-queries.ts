/**
 * Full-text search in the SQL stores: the condition a list's `search` adds, the relevance
 * rank, and the index upkeep every ticket and message write calls (inside its
 * transaction). Migration 007 creates the index and fills it for existing rows.
 *
 * Every dialect indexes the same texts, computed in JavaScript by `searchText`: a
 * ticket's own text (`number + ' ' + subject`, in `ticket_search`) and each message body
 * (keyed by the message's `position`; its ticket and visibility are read from `messages`,
 * so merges, splits and hides need no index change); where the dialect has an index,
 * each text ends with its ticket's owner tokens (`owner-tokens.ts`), by which a reseller's
 * or a customer's search is narrowed inside the index. How a dialect stores and matches
 * them is its `capabilities.fullText`:
 * - `fts5` (SQLite): contentless FTS5 tables tokenised on spaces (the `ascii` tokenizer:
 *   the folded text holds no other ASCII separator), `MATCH '"w1 w2 w3"*'`;
 * - `tsvector` (Postgres): a `tsvector` written as a literal (no parser, no dictionary:
 *   the words are exactly `searchWords`), GIN-indexed, `@@ 'w1' <-> 'w2' <-> 'w3':*`;
 * - `like` (MySQL/MariaDB): the text padded with spaces, `LIKE '% w1 w2 w3%'`; since
 *   migration 011 (`capabilities.likeIndex`) an InnoDB FULLTEXT index gives each phrase's
 *   candidates (`MATCH … AGAINST ('+w1 +w2 +w3*' IN BOOLEAN MODE)`) and the LIKE checks
 *   them, so the hits are exactly the LIKE's (`likeConditions`).
 *
 * A search is driven by the index: the tickets it can match are the index hits (the
 * exact number; and for each phrase, the tickets whose own text has it or with a message
 * the scope may see that has it, intersected over the phrases), and the list joins them
 * to `tickets` by key before the scope and the filters apply. Semantics:
 * `src/search/search-match.ts` (the contract suite compares every store with it).
 */
import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { MAX_WORD_LENGTH, searchText } from '../../src/search/search-text.js';
import type { StoreScope, StoreSearch, StoreSearchPhrase } from '../../src/store.js';
import type { Message } from '../../src/types.js';
import { hasOwnerTokens, ownerPhrases, ownerTokens, ownerTokensSql } from './owner-tokens.js';
import { insertRow, runCached, type QueryContext, type WithTicketAlias } from './query-context.js';
import type { DbTimestamp, TicketryDatabase } from './schema.js';
import { indexQuery, lexeme, likeOf, numberKey, type BoundSearch, type FullText } from './search-values.js';

type TicketEb = ExpressionBuilder<WithTicketAlias, 't'>;
/** A query returning ticket ids in a column `ticket_id`. */
type TicketIds = SelectQueryBuilder<any, any, { ticket_id: string }>;

// ---- the indexed texts ----------------------------------------------------------------

/** The text a ticket is found by besides its messages: its number and subject. */
export function ticketSearchText(number: string, subject: string): string {
  return searchText(`${number} ${subject}`);
}

/**
 * A ticket's own text as the index holds it: `ticketSearchText`, and where the dialect
 * has an index to narrow by them, its owner tokens (`owner-tokens.ts`).
 */
export function ownIndexText(
  fullText: FullText,
  ticket: { number: string; subject: string; resellerId: string | null; subscriberId: string },
): string {
  const text = ticketSearchText(ticket.number, ticket.subject);
  if (fullText === 'like') return text;
  const tokens = ownerTokens(ticket);
  return text === '' ? tokens : `${text} ${tokens}`;
}

/**
 * A message's text as the fts5 and tsvector indexes hold it: `searchText` of its body and
 * its ticket's owner tokens (`owner-tokens.ts`).
 */
export function messageIndexText(row: { body: string; reseller_id: string | null; subscriber_id: string }): string {
  const words = searchText(row.body);
  const tokens = ownerTokens({ resellerId: row.reseller_id, subscriberId: row.subscriber_id });
  return words === '' ? tokens : `${words} ${tokens}`;
}

/** Postgres keeps at most 256 positions per lexeme and positions up to 16383. */
const MAX_POSITIONS = 256;
const MAX_POSITION = 16383;

/**
 * `text` (a `searchText`) as a tsvector literal: each word with its positions, so the
 * vector holds exactly these words whatever the database's parser and locale would make
 * of them. Like `to_tsvector`, it keeps the first 256 positions of a word and counts
 * positions past 16383 as 16383 (phrases there may be missed).
 */
export function tsvectorLiteral(text: string): string {
  const positions = new Map<string, number[]>();
  const words = text === '' ? [] : text.split(' ');
  words.forEach((word, i) => {
    let list = positions.get(word);
    if (list === undefined) positions.set(word, (list = []));
    const position = Math.min(i + 1, MAX_POSITION);
    if (list.length < MAX_POSITIONS && list[list.length - 1] !== position) list.push(position);
  });
  return [...positions].map(([word, list]) => `${lexeme(word)}:${list.join(',')}`).join(' ');
}

/** The stored form of an indexed text in the `like` dialects: a space on each side. */
function padded(text: string): string {
  return ` ${text} `;
}

// ---- matching -------------------------------------------------------------------------

/**
 * Whether the indexed text at `column` matches `query`, the index's query for it
 * (`indexQuery`, bound as it is: a value of `BoundSearch.hits`).
 */
function indexMatch(fullText: 'fts5' | 'tsvector', column: string, query: unknown): Expression<SqlBool> {
  const ref = sql.ref(column);
  return fullText === 'fts5' ? sql<SqlBool>`${ref} match ${query}` : sql<SqlBool>`${ref} @@ ${query}::tsquery`;
}

/** Whether the padded text at `column` has every LIKE pattern (`likeOf`, bound as they are). */
function likeMatch(column: string, patterns: readonly unknown[]): Expression<SqlBool> {
  const ref = sql.ref(column);
  return sql<SqlBool>`${sql.join(
    patterns.map((p) => sql`${ref} like ${p} escape ${'\\'}`),
    sql` and `,
  )}`;
}

/**
 * Postgres: keeps a search statement serial. The planner cannot estimate a prefix tsquery
 * (`'word':*` is taken to match 0.5 % of the rows), and for a rare word at 3,000,000
 * messages it planned the index scan in parallel: starting the workers was most of the
 * 91 ms the search took, for 3 hits found in under a millisecond. A statement that
 * calls a parallel-unsafe function is never planned in parallel (the planner decides on
 * the statement as written, before it folds `… or true` away), and `current_schema()`
 * is one that costs nothing.
 */
const SERIAL = sql<SqlBool>`(current_schema() is null or true)`;

/** The tickets of `tenantId` whose `number_key` is `key` (`numberKey`, bound as it is). */
function numberHits(ctx: QueryContext, tenantId: string, key: unknown): TicketIds {
  return ctx.db
    .selectFrom('ticket_search as s')
    .select('s.ticket_id')
    .where('s.tenant_id', '=', tenantId)
    .where('s.number_key', '=', key as string);
}

/**
 * The tickets of `tenantId` whose own text (number and subject) matches `query`, the
 * index's query (`indexQuery`: the phrases and the scope's owner phrases, which narrow it
 * in the index to the scope's reseller or subscriber; a superset of the scope's tickets:
 * the list's scope condition still applies). fts5 and tsvector only.
 */
function ownHits(ctx: QueryContext, tenantId: string, query: unknown): TicketIds {
  const fullText = ctx.hooks.capabilities.fullText as 'fts5' | 'tsvector';
  if (fullText === 'fts5') {
    return ctx.db
      .selectFrom('ticket_fts as f')
      .innerJoin('ticket_search as s', 's.key', 'f.rowid')
      .select('s.ticket_id')
      .where(indexMatch(fullText, 'f.search_text', query))
      .where('s.tenant_id', '=', tenantId);
  }
  return ctx.db
    .selectFrom('ticket_search as s')
    .select('s.ticket_id')
    .where('s.tenant_id', '=', tenantId)
    .where(indexMatch(fullText, 's.vector', query));
}

/**
 * The tickets with a message the scope may see whose indexed text matches `query` (a
 * phrase and the scope's owner phrases, `BoundSearch.hits`). fts5 and tsvector only.
 */
function messageHits(ctx: QueryContext, scope: StoreScope, query: unknown): TicketIds {
  const fullText = ctx.hooks.capabilities.fullText as 'fts5' | 'tsvector';
  const base =
    fullText === 'fts5'
      ? ctx.db
          .selectFrom('message_fts as f')
          .innerJoin('messages as m', 'm.position', 'f.rowid')
          .where(indexMatch(fullText, 'f.search_text', query))
      : ctx.db
          .selectFrom('message_search as x')
          .innerJoin('messages as m', 'm.position', 'x.position')
          .where(indexMatch(fullText, 'x.vector', query));
  return visibleMessageIds(ctx, scope, base);
}

/** The `ticket_id` of the messages `m` joined in `base` that are the scope's tenant's and that it may see. */
function visibleMessageIds(ctx: QueryContext, scope: StoreScope, base: SelectQueryBuilder<any, any, object>): TicketIds {
  // One shape for every source: only `m` is referred to from here on.
  let query = (base as unknown as SelectQueryBuilder<TicketryDatabase & { m: TicketryDatabase['messages'] }, 'm', object>)
    .select('m.ticket_id')
    .where('m.tenant_id', '=', scope.tenantId);
  if (scope.visibility === 'customer') {
    query = query.where('m.internal', '=', ctx.hooks.toBoolean(false)).where('m.hidden', '=', ctx.hooks.toBoolean(false));
  }
  return query as TicketIds;
}

// ---- the LIKE dialects' index (MySQL, MariaDB; migration 011) ------------------------

/**
 * Words InnoDB's FULLTEXT parser keeps whole (utf8mb4): every character in these ranges,
 * Latin (with its extensions and IPA), Greek, Cyrillic, Hebrew, Arabic letters and Thai.
 * InnoDB takes a character for a letter by its own (older) Unicode tables, so letters
 * added later split a word in two (U+02EC, U+0371, U+0373, U+0377 here; Cyrillic from
 * U+0514, most of the supplementary planes). Each character `searchWords` can put in a
 * word that this accepts is checked on the server by test/sql/mysql-fulltext.test.ts.
 * Other words (CJK characters, other scripts) never go to the index: their phrases scan.
 */
export const INDEXED_WORD =
  /^(?:(?![\u02ec\u0371\u0373\u0377])[0-9a-z\u00aa-\u02ff\u0370-\u03ff\u0400-\u0513\u05d0-\u05ea\u0621-\u063a\u0641-\u064a\u0e01-\u0e5b])+$/u;

/**
 * The shortest word the index is taken to hold: InnoDB's default
 * `innodb_ft_min_token_size`. A server set higher is noticed by the statement itself
 * (`likeConditions`), which then scans.
 */
const INDEX_MIN_WORD = 3;

/**
 * InnoDB's built-in stopwords (`information_schema.INNODB_FT_DEFAULT_STOPWORD`, the same
 * on MariaDB and MySQL 8), of three letters or more. Migration 011 builds the index
 * without stopwords, but a rebuild of the table by another session (`OPTIMIZE TABLE`,
 * `ALTER TABLE … FORCE`: measured on MariaDB 10.11) builds it again with that session's
 * stopwords, the built-in ones by default, and then holds none of these words. So no
 * index term is one of them or begins one (`wha*` would miss "what"): their phrases use
 * their other words, or scan.
 */
export const INNODB_STOPWORDS: ReadonlySet<string> = new Set([
  'about', 'are', 'com', 'for', 'from', 'how', 'that', 'the', 'this', 'und', 'was', 'what', 'when', 'where', 'who', 'will', 'with', 'www',
]);

/** Whether the index may lack `word`, or (`prefix`) a word it begins, whatever stopwords it was built with. */
function maybeStopword(word: string, prefix: boolean): boolean {
  if (!prefix) return INNODB_STOPWORDS.has(word);
  for (const stopword of INNODB_STOPWORDS) if (stopword.startsWith(word)) return true;
  return false;
}

/**
 * The index terms of a phrase (`+w1 +w2 +w3*`: every word it holds, the last as a prefix
 * when the phrase's is) and the length of the shortest, or `null` when the phrase has
 * none. A phrase's rows have each of these words (the LIKE keeps those with them in a row).
 */
export function indexTerms(phrase: StoreSearchPhrase): { against: string; shortest: number } | null {
  const terms: string[] = [];
  let shortest = Infinity;
  phrase.words.forEach((word, i) => {
    // One `+` term the index lacks makes InnoDB answer nothing: a word under the minimum
    // length, one InnoDB would split, a stopword (or a prefix of one) stay out.
    const prefix = phrase.prefix && i === phrase.words.length - 1;
    if ([...word].length < INDEX_MIN_WORD || !INDEXED_WORD.test(word) || maybeStopword(word, prefix)) return;
    terms.push(`+${word}${prefix ? '*' : ''}`);
    shortest = Math.min(shortest, [...word].length);
  });
  return terms.length === 0 ? null : { against: [...new Set(terms)].join(' '), shortest };
}

/**
 * The ways a LIKE dialect finds `phrase` in the padded texts at `column`, one UNION ALL
 * branch each: with the FULLTEXT index (`capabilities.likeIndex`), the index's candidates
 * checked by the LIKE; without (no index, no indexed word in the phrase, or inside a
 * transaction, whose own rows InnoDB indexes only at commit), the LIKE alone. The index
 * branch holds only while the server's token limits keep every word it asks for
 * (`innodb_ft_min_token_size` at most the shortest, `innodb_ft_max_token_size` at least
 * `MAX_WORD_LENGTH`, so a prefix misses no long word); else the LIKE branch does. Both
 * conditions are constants of the statement: the server runs exactly one branch.
 */
function likeConditions(ctx: QueryContext, column: string, phrase: StoreSearchPhrase): Expression<SqlBool>[] {
  const like = likeMatch(column, [likeOf(phrase)]);
  // Inside a transaction: the store's own (`connection`) or the host's (`db`).
  const inTransaction = ctx.connection !== undefined || ctx.db.isTransaction;
  const terms = ctx.hooks.capabilities.likeIndex === 'innodb-fulltext' && !inTransaction ? indexTerms(phrase) : null;
  if (terms === null) return [like];
  const held = sql<SqlBool>`(@@innodb_ft_min_token_size <= ${sql.lit(terms.shortest)} and @@innodb_ft_max_token_size >= ${sql.lit(MAX_WORD_LENGTH)})`;
  return [
    sql<SqlBool>`match(${sql.ref(column)}) against (${terms.against} in boolean mode) and ${like} and ${held}`,
    sql<SqlBool>`${like} and not ${held}`,
  ];
}

/**
 * The ids of the tickets `bound` can match for `scope`, from the index alone: the exact
 * number, and the tickets having every phrase (each in their own text or in a message
 * the scope may see).
 */
function candidates(ctx: QueryContext, scope: StoreScope, bound: BoundSearch): TicketIds | null {
  if (ctx.hooks.capabilities.fullText === 'like') return likeCandidates(ctx, scope, bound.search);
  const parts: TicketIds[] = [];
  if (bound.numbered) parts.push(numberHits(ctx, scope.tenantId, bound.number));
  const [first, ...rest] = bound.hits;
  if (first !== undefined) {
    const hits = (query: unknown) => ownHits(ctx, scope.tenantId, query).unionAll(messageHits(ctx, scope, query));
    if (rest.length > 0 && ctx.hooks.capabilities.fullText === 'tsvector') {
      // Postgres cannot estimate a tsquery's hits and takes each phrase for a row or two:
      // a nested IN became nested-loop semi-joins over materialized hits, quadratic when
      // the phrases are common (8 phrases every ticket matched: 58 ms at 256 tickets, 470
      // at 1,024). Counting the tagged hits per ticket is one pass whatever the estimates.
      const tagged = bound.hits.map((query, i) =>
        ctx.db.selectFrom(hits(query).as('h')).select(['h.ticket_id', sql.lit(i).as('p')]),
      );
      const all = ctx.db
        .selectFrom(tagged.reduce((union, part) => union.unionAll(part)).as('g'))
        .select('g.ticket_id')
        .groupBy('g.ticket_id')
        .having(sql<SqlBool>`count(distinct ${sql.ref('g.p')}) = ${sql.lit(bound.hits.length)}`);
      parts.push(all as unknown as TicketIds);
    } else {
      let all = ctx.db.selectFrom(hits(first).as('h')).select('h.ticket_id') as unknown as TicketIds;
      // An intersection as nested IN (SQLite reads each IN once into a temporary index;
      // the LIKE dialects count instead, `likeCandidates`).
      for (const query of rest) all = all.where('h.ticket_id', 'in', hits(query));
      parts.push(all);
    }
  }
  // The tickets of rank 2 and 1 alone (`'own'`): every phrase in the own text.
  if (bound.ownIndex.length > 0) parts.push(ownHits(ctx, scope.tenantId, bound.ownIndex[0]));
  if (parts.length === 0) return null;
  // UNION ALL: the ids only feed an IN / any(array), where a repeat is harmless, and a
  // UNION makes SQLite merge sorted branches: without `analyze` statistics it then read
  // the number branch through the (tenant, ticket) key in order, every index row of the
  // tenant (6 ms at 20,000 tickets instead of 0.4).
  return parts.reduce((union, part) => union.unionAll(part));
}

/**
 * The LIKE dialects' candidates (MySQL, MariaDB): every phrase's hits (own text and
 * visible messages, each tagged with the phrase's index) and the exact-number hits
 * (tagged -1) in one UNION ALL, grouped by ticket: a ticket is a hit when it has the
 * number or every phrase. One pass over the hits, whatever the number of phrases.
 *
 * Not SQLite's nested `IN` (Postgres counts too, with its own hits): MariaDB cannot turn an `IN` over a UNION
 * into a semi-join, so it ran each nested `IN` as a dependent subquery, once per hit of
 * the phrase around it. Eight phrases that every ticket matched took 6.6 s at 256 tickets
 * and 118 s at 1,024 (quadratic); see README ("MySQL, MariaDB") for the times now.
 */
function likeCandidates(ctx: QueryContext, scope: StoreScope, search: StoreSearch): TicketIds | null {
  const branches: SelectQueryBuilder<any, any, { ticket_id: string; p: number }>[] = [];
  if (search.number !== '') branches.push(numberHits(ctx, scope.tenantId, numberKey(search.number)).select(sql.lit(-1).as('p')));
  search.phrases.forEach((phrase, i) => {
    for (const condition of likeConditions(ctx, 's.search_text', phrase)) {
      branches.push(
        ctx.db
          .selectFrom('ticket_search as s')
          .select(['s.ticket_id', sql.lit(i).as('p')])
          .where('s.tenant_id', '=', scope.tenantId)
          .where(condition),
      );
    }
    for (const condition of likeConditions(ctx, 'x.search_text', phrase)) {
      const base = ctx.db.selectFrom('message_search as x').innerJoin('messages as m', 'm.position', 'x.position').where(condition);
      branches.push(visibleMessageIds(ctx, scope, base).select(sql.lit(i).as('p')));
    }
  });
  if (branches.length === 0) return null;
  const hits = branches.reduce((union, branch) => union.unionAll(branch));
  const grouped = ctx.db
    .selectFrom(hits.as('h'))
    .select('h.ticket_id')
    .groupBy('h.ticket_id')
    .having(sql<SqlBool>`min(${sql.ref('h.p')}) < 0 or count(distinct ${sql.ref('h.p')}) = ${sql.lit(search.phrases.length)}`);
  // A plain select from the grouped ids: the `IN` around it can be a semi-join on a table
  // materialized once.
  return ctx.db.selectFrom(grouped.as('c')).select('c.ticket_id') as unknown as TicketIds;
}

/** How many texts with every phrase SQLite's FTS5 index holds (`indexHitCounts`), each counted only so far. */
export interface IndexHitCounts {
  /** Own texts (number and subject) of the scope's tenant. */
  own: number;
  /** Message bodies (0 when not asked). */
  bodies: number;
}

/**
 * How many texts of SQLite's FTS5 index have every phrase, of the scope's tenant (and
 * its reseller or subscriber, by their owner tokens), own texts and (with `bodies`)
 * message bodies, each counted up to `cap`: message bodies of any visibility and, for a
 * scope with no owner, of any tenant (an upper bound of what the scope may see). One
 * statement with the exact words; again with the prefix only when `enough` does not hold
 * of the exact words' counts (a prefix's count is at least theirs). A prefix is looked up
 * by merging the postings of every word it begins, in the whole index, before the limit
 * stops anything (`"double charge"*`: 3.5 ms at a million tickets, `"double charge"`
 * 0.4 ms). (Not Postgres: with a LIMIT its planner may read the table for a rare word
 * rather than the GIN index, 640 ms at a million tickets.)
 */
export async function indexHitCounts(
  ctx: QueryContext,
  scope: StoreScope,
  phrases: readonly StoreSearchPhrase[],
  cap: number,
  bodies: boolean,
  enough: (counts: IndexHitCounts) => boolean,
): Promise<IndexHitCounts> {
  const owners = ownerPhrases(scope);
  const counts = async (searched: readonly StoreSearchPhrase[]): Promise<IndexHitCounts> => {
    const query = indexQuery('fts5', [...searched, ...owners]);
    const key = bodies ? 'index hit counts' : 'own hit counts';
    const { rows } = await runCached(ctx, key, [scope.tenantId, query, cap], ([tenant, q, n]) => {
      const counted = (hits: SelectQueryBuilder<any, any, object>) =>
        sql<number>`(${ctx.db.selectFrom(hits.limit(n as number).as('h')).select((eb) => eb.fn.countAll().as('c'))})`;
      const own = counted(ownHits(ctx, tenant as string, q));
      if (!bodies) return ctx.db.selectNoFrom([own.as('own'), sql<number>`0`.as('bodies')]);
      const messages = counted(ctx.db.selectFrom('message_fts as f').select('f.rowid').where(indexMatch('fts5', 'f.search_text', q)));
      return ctx.db.selectNoFrom([own.as('own'), messages.as('bodies')]);
    });
    const row = rows[0] as { own?: unknown; bodies?: unknown } | undefined;
    return { own: Number(row?.own ?? 0), bodies: Number(row?.bodies ?? 0) };
  };
  if (!phrases.some((phrase) => phrase.prefix)) return counts(phrases);
  const exact = await counts(phrases.map((phrase) => ({ words: phrase.words, prefix: false })));
  return enough(exact) ? exact : counts(phrases);
}

/**
 * The keys (`tenant_id`, `id`) of the tickets whose `number_key` is the searched number's
 * (`BoundSearch.number`; rank 2), as a subquery to drive a list from: at most `limit` of them.
 */
export function numberKeys(ctx: QueryContext, tenantId: string, key: unknown, limit: unknown) {
  return ctx.db
    .selectFrom('ticket_search as s')
    .select(['s.tenant_id', 's.ticket_id as id'])
    .where('s.tenant_id', '=', tenantId)
    .where('s.number_key', '=', key as string)
    .limit(limit as number);
}

/**
 * Whether the ticket `t` matches the search for `scope` (bodies filtered by its
 * visibility): its id is among the index hits, or among `matched` when the tickets that
 * match are already known (`subscriber-search.ts`).
 */
export function searchCondition(
  ctx: QueryContext,
  eb: TicketEb,
  scope: StoreScope,
  bound: BoundSearch,
  matched: readonly string[] | null = null,
): Expression<SqlBool> {
  if (matched !== null) return matched.length === 0 ? sql<SqlBool>`1 = 0` : eb('t.id', 'in', [...matched]);
  const ids = candidates(ctx, scope, bound);
  if (ids === null) return sql<SqlBool>`1 = 0`;
  let hit: Expression<SqlBool>;
  if (ctx.hooks.capabilities.fullText === 'tsvector') {
    // Postgres cannot estimate how many tickets a tsquery hits (a prefix least of all), and
    // for `IN (…)` it may then hash the hits against a scan of the whole scope. `= any(array(…))`
    // computes the hits once (an InitPlan) and looks each one up by primary key.
    hit = sql<SqlBool>`${sql.ref('t.id')} = any(array(${ids})) and ${SERIAL}`;
  } else {
    hit = eb('t.id', 'in', ids as unknown as SelectQueryBuilder<TicketryDatabase, 'tickets', { id: string }>);
  }
  return bound.each.length === 0 ? hit : sql<SqlBool>`${hit} and ${drivenRest(ctx, scope, bound)}`;
}

/**
 * A page driven by one rare phrase (`searchFor(…, 'driven')`: `hits` holds that phrase's
 * query alone, `each` the checks of the others): whether the ticket `t`, one of that
 * phrase's hits (or the exact number's), has the other phrases too, each in its own
 * text or a message the scope may see (`ticketHasPhrase`, on its `ticket_search` row
 * looked up by key), or is the exact-number ticket. The other phrases' hits are never
 * gathered: `router` is in most message bodies, and a customer's serial number with it
 * (`sn4k2j9x router`) gathered all of them (3 s at a million tickets).
 */
function drivenRest(ctx: QueryContext, scope: StoreScope, bound: BoundSearch): Expression<SqlBool> {
  const rest = sql<SqlBool>`${sql.join(bound.each.map((check) => ticketHasPhrase(ctx, scope, check)), sql` and `)}`;
  const own = ctx.db
    .selectFrom('ticket_search as s')
    .select(sql.lit(1).as('one'))
    .where(sql<SqlBool>`${sql.ref('s.tenant_id')} = ${sql.ref('t.tenant_id')}`)
    .where(sql<SqlBool>`${sql.ref('s.ticket_id')} = ${sql.ref('t.id')}`)
    .where(bound.numbered ? sql<SqlBool>`(${sql.ref('s.number_key')} = ${bound.number} or ${rest})` : rest);
  return sql<SqlBool>`exists ${own}`;
}

/**
 * Whether the `ticket_search` row `s` (one ticket's own number and subject) contains
 * every phrase (`own`: `BoundSearch.own`), checked on the row itself: its `tsvector`
 * (Postgres) or its padded text (SQLite since migration 009, MySQL/MariaDB). The same
 * answer as the index gives for the row (words are runs of letters and digits, so
 * `% w1 w2%` in the padded text is the phrase `"w1 w2"*`), without a full-text query per row.
 */
function ownTextMatches(ctx: QueryContext, own: readonly unknown[]): Expression<SqlBool> {
  const fullText = ctx.hooks.capabilities.fullText;
  if (fullText !== 'tsvector') return likeMatch('s.search_text', own);
  // `ts_match_vq` is what `@@` calls, as a function the GIN index cannot serve: this is
  // a check of the row at hand. As `@@`, a walk's check let Postgres gather the whole
  // tenant's matches from the index and hash them against the walked rows (264 ms at a
  // million tickets for a phrase in one subject in twenty, instead of a few lookups).
  return sql<SqlBool>`ts_match_vq(${sql.ref('s.vector')}, ${own[0]}::tsquery)`;
}

/**
 * Whether the indexed text at `column` (a `ticket_search` or a `message_search` row's:
 * its `tsvector`, or its padded text) has one phrase, checked with `check` (a value of
 * `BoundSearch.each`) on the row itself, as `ownTextMatches` does.
 */
function rowMatches(ctx: QueryContext, column: string, check: unknown): Expression<SqlBool> {
  if (ctx.hooks.capabilities.fullText !== 'tsvector') return likeMatch(column, [check]);
  return sql<SqlBool>`ts_match_vq(${sql.ref(column)}, ${check}::tsquery)`;
}

/**
 * Whether the ticket of the `ticket_search` row `s` has the phrase checked with `check`
 * (`BoundSearch.each`) in its own text or in a message the scope may see: the row, then
 * the ticket's messages by key (`messages_thread_idx`) and each one's text by position.
 */
function ticketHasPhrase(ctx: QueryContext, scope: StoreScope, check: unknown): Expression<SqlBool> {
  const text = ctx.hooks.capabilities.fullText === 'tsvector' ? 'vector' : 'search_text';
  let messages = ctx.db
    .selectFrom('messages as m')
    .innerJoin('message_search as x', 'x.position', 'm.position')
    .select(sql.lit(1).as('one'))
    .where(sql<SqlBool>`${sql.ref('m.tenant_id')} = ${sql.ref('s.tenant_id')}`)
    .where(sql<SqlBool>`${sql.ref('m.ticket_id')} = ${sql.ref('s.ticket_id')}`);
  if (scope.visibility === 'customer') {
    messages = messages.where('m.internal', '=', ctx.hooks.toBoolean(false)).where('m.hidden', '=', ctx.hooks.toBoolean(false));
  }
  messages = messages.where(rowMatches(ctx, `x.${text}`, check));
  return sql<SqlBool>`(${rowMatches(ctx, `s.${text}`, check)} or exists ${messages})`;
}

/**
 * Whether the ticket of the `ticket_search` row `s` has rank 0 for the search (see
 * `searchRank`): every phrase in its own text or a message the scope may see
 * (`ticketHasPhrase`), but not every phrase in its own text, and not the searched
 * number. What a walk over the tickets a message matched keeps (`search-walk.ts`);
 * `bound` as `searchFor(…, 'messages')` gives it.
 */
export function messageRankZero(ctx: QueryContext, scope: StoreScope, bound: BoundSearch): Expression<SqlBool> {
  const text = ctx.hooks.capabilities.fullText === 'tsvector' ? 's.vector' : 's.search_text';
  const conditions: Expression<SqlBool>[] = [];
  if (bound.numbered) conditions.push(sql<SqlBool>`${sql.ref('s.number_key')} <> ${bound.number}`);
  // The own text checks first: they read the row at hand, the messages a lookup each.
  conditions.push(sql<SqlBool>`not (${sql.join(bound.each.map((check) => rowMatches(ctx, text, check)), sql` and `)})`);
  for (const check of bound.each) conditions.push(ticketHasPhrase(ctx, scope, check));
  return sql<SqlBool>`${sql.join(conditions, sql` and `)}`;
}

/**
 * Whether the ticket of the `ticket_search` row `s` matches the search at all, whatever
 * its rank: it is the searched number, or each phrase is in its own text or a message
 * the scope may see (`ticketHasPhrase`). What a walk in an order other than relevance
 * keeps (`search-walk.ts`: newest first, or over the list); `bound` as
 * `searchFor(…, 'any')` gives it.
 */
export function searchMatches(ctx: QueryContext, scope: StoreScope, bound: BoundSearch): Expression<SqlBool> {
  const phrases = sql<SqlBool>`${sql.join(bound.each.map((check) => ticketHasPhrase(ctx, scope, check)), sql` and `)}`;
  if (!bound.numbered) return phrases;
  return sql<SqlBool>`(${sql.ref('s.number_key')} = ${bound.number} or ${phrases})`;
}

/**
 * Whether the `ticket_search` row `s` gives its ticket rank 1 for the search (see
 * `searchRank`): its own text has every phrase and its number is not the searched one.
 * What a walk keeps of the rows it reads, checked before their ticket rows are looked up.
 */
export function ownTextRankOne(ctx: QueryContext, bound: BoundSearch): Expression<SqlBool> {
  const own = ownTextMatches(ctx, bound.own);
  if (!bound.numbered) return own;
  return sql<SqlBool>`${sql.ref('s.number_key')} <> ${bound.number} and ${own}`;
}

/**
 * The ticket's `searchRank` (see `StoreTicketSummary`): 2 for the exact number, 1 when
 * its own text has every phrase, else 0 (a visible message had what the own text lacked).
 * One lookup of the ticket's own index row by key, per row it is asked for.
 */
export function searchRank(ctx: QueryContext, eb: TicketEb, bound: BoundSearch): RawBuilder<number> {
  const number = bound.numbered ? sql<SqlBool>`${sql.ref('s.number_key')} = ${bound.number}` : sql<SqlBool>`1 = 0`;
  let own: Expression<SqlBool> = sql<SqlBool>`1 = 0`;
  if (bound.own.length > 0) own = ownTextMatches(ctx, bound.own);
  const row = (eb as unknown as ExpressionBuilder<TicketryDatabase & { t: TicketryDatabase['tickets'] }, 't'>)
    .selectFrom('ticket_search as s')
    .select(sql<number>`case when ${number} then 2 when ${own} then 1 else 0 end`.as('rank'))
    .whereRef('s.tenant_id', '=', 't.tenant_id')
    .whereRef('s.ticket_id', '=', 't.id');
  return sql<number>`coalesce((${row}), 0)`;
}

// ---- index upkeep ---------------------------------------------------------------------

/** Indexes a new ticket's number and subject (and owner). */
export async function indexTicket(
  ctx: QueryContext,
  tenantId: string,
  ticket: { id: string; number: string; subject: string; resellerId: string | null; subscriberId: string; createdAt: Date },
): Promise<void> {
  const text = ownIndexText(ctx.hooks.capabilities.fullText, ticket);
  await insertTicketText(ctx, tenantId, ticket.id, ticket.number, ctx.hooks.toDate(ticket.createdAt), ticket.resellerId, text);
}

/**
 * Inserts a ticket's `ticket_search` row (`createdAt`: its `created_at` as bound, and its
 * `resellerId`: the walk's order and owner, see migration 014).
 */
async function insertTicketText(
  ctx: QueryContext,
  tenantId: string,
  ticketId: string,
  number: string,
  createdAt: unknown,
  resellerId: string | null,
  text: string,
): Promise<void> {
  const fullText = ctx.hooks.capabilities.fullText;
  const args = [tenantId, ticketId, numberKey(number), createdAt, resellerId];
  const rowOf = (a: readonly unknown[]) => ({
    tenant_id: a[0] as string,
    ticket_id: a[1] as string,
    number_key: a[2] as string,
    created_at: a[3] as DbTimestamp,
    reseller_id: a[4] as string | null,
  });
  switch (fullText) {
    case 'fts5': {
      const { rows } = await runCached(ctx, 'index ticket key', [...args, padded(text)], (a) =>
        ctx.db
          .insertInto('ticket_search')
          .values({ ...rowOf(a), search_text: a[5] as string })
          .returning('key'),
      );
      await insertRow(ctx, 'ticket_fts', { rowid: rows[0]!.key, search_text: text });
      return;
    }
    case 'tsvector':
      await runCached(ctx, 'index ticket tsvector', [...args, tsvectorLiteral(text)], (a) =>
        ctx.db.insertInto('ticket_search').values({ ...rowOf(a), vector: sql`${a[5]}::tsvector` }),
      );
      return;
    case 'like':
      await insertRow(ctx, 'ticket_search', { ...rowOf(args), search_text: padded(text) });
  }
}

/** Re-indexes a ticket whose subject changed. */
export async function reindexTicket(ctx: QueryContext, tenantId: string, ticketId: string): Promise<void> {
  const ticket = await ctx.db
    .selectFrom('tickets as t')
    .select(['t.number', 't.subject', 't.reseller_id', 't.subscriber_id', 't.created_at'])
    .where('t.tenant_id', '=', tenantId)
    .where('t.id', '=', ticketId)
    .executeTakeFirst();
  if (ticket === undefined) return;
  const fullText = ctx.hooks.capabilities.fullText;
  const text = ownIndexText(fullText, {
    number: ticket.number,
    subject: ticket.subject,
    resellerId: ticket.reseller_id,
    subscriberId: ticket.subscriber_id,
  });
  if (fullText === 'fts5') {
    const found = await ctx.db
      .selectFrom('ticket_search as s')
      .select('s.key')
      .where('s.tenant_id', '=', tenantId)
      .where('s.ticket_id', '=', ticketId)
      .executeTakeFirst();
    if (found !== undefined) {
      await ctx.db.deleteFrom('ticket_fts').where('rowid', '=', found.key).execute();
      await ctx.db.insertInto('ticket_fts').values({ rowid: found.key, search_text: text }).execute();
      await ctx.db.updateTable('ticket_search').set({ search_text: padded(text) }).where('key', '=', found.key).execute();
      return;
    }
  } else {
    const set = fullText === 'tsvector' ? { vector: sql`${tsvectorLiteral(text)}::tsvector` } : { search_text: padded(text) };
    const result = await ctx.db
      .updateTable('ticket_search')
      .set(set)
      .where('tenant_id', '=', tenantId)
      .where('ticket_id', '=', ticketId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) > 0) return;
  }
  await insertTicketText(ctx, tenantId, ticketId, ticket.number, ticket.created_at, ticket.reseller_id, text);
}

/**
 * The message's indexed text, inserted from its row (by tenant and id); with its
 * ticket's owner tokens, spelled by the statement from the ticket's row (`owner-tokens.ts`).
 */
async function insertMessageText(ctx: QueryContext, tenantId: string, messageId: string, text: string): Promise<void> {
  const fullText = ctx.hooks.capabilities.fullText;
  const source = (a: readonly unknown[]) =>
    ctx.db
      .selectFrom('messages as m')
      .innerJoin('tickets as t', (join) => join.onRef('t.tenant_id', '=', 'm.tenant_id').onRef('t.id', '=', 'm.ticket_id'))
      .where('m.tenant_id', '=', a[0] as string)
      .where('m.id', '=', a[1] as string);
  if (fullText === 'fts5') {
    await runCached(ctx, 'index message fts5', [tenantId, messageId, text], (a) =>
      ctx.db
        .insertInto('message_fts')
        .columns(['rowid', 'search_text'])
        .expression(source(a).select(['m.position', sql<string>`${a[2]} || ${ownerTokensSql(fullText, 't')}`.as('search_text')])),
    );
    // The text by key too (migration 015), for a walk's check of the ticket's messages.
    await runCached(ctx, 'index message text', [tenantId, messageId, padded(text)], (a) =>
      ctx.db
        .insertInto('message_search')
        .columns(['position', 'search_text'])
        .expression(
          ctx.db
            .selectFrom('messages as m')
            .select(['m.position', sql.val(a[2] as string).as('search_text')])
            .where('m.tenant_id', '=', a[0] as string)
            .where('m.id', '=', a[1] as string),
        ),
    );
    return;
  }
  const indexed = fullText === 'tsvector' ? tsvectorLiteral(text) : padded(text);
  await runCached(ctx, `index message ${fullText}`, [tenantId, messageId, indexed], (a) => {
    const value =
      fullText === 'tsvector' ? sql`(${a[2]} || ${ownerTokensSql(fullText, 't')})::tsvector` : sql.val(a[2] as string);
    return ctx.db
      .insertInto('message_search')
      .columns(['position', fullText === 'tsvector' ? 'vector' : 'search_text'])
      .expression(source(a).select(['m.position', value.as('text')]));
  });
}

/** Indexes a new message's body. */
export async function indexMessage(ctx: QueryContext, tenantId: string, message: Message): Promise<void> {
  await insertMessageText(ctx, tenantId, message.id, searchText(message.body));
}

/** Re-indexes a message whose body was edited: the old text is found no more. */
export async function reindexMessage(ctx: QueryContext, tenantId: string, messageId: string, body: string): Promise<void> {
  const fullText = ctx.hooks.capabilities.fullText;
  const found = await ctx.db
    .selectFrom('messages as m')
    .innerJoin('tickets as t', (join) => join.onRef('t.tenant_id', '=', 'm.tenant_id').onRef('t.id', '=', 'm.ticket_id'))
    .select(['m.position', 't.reseller_id', 't.subscriber_id'])
    .where('m.tenant_id', '=', tenantId)
    .where('m.id', '=', messageId)
    .executeTakeFirst();
  if (found === undefined) return;
  const text = hasOwnerTokens(ctx) ? messageIndexText({ body, ...found }) : searchText(body);
  if (fullText === 'fts5') {
    await ctx.db.deleteFrom('message_fts').where('rowid', '=', found.position).execute();
    await ctx.db.insertInto('message_fts').values({ rowid: found.position, search_text: text }).execute();
    const bodyText = padded(searchText(body));
    await ctx.db
      .insertInto('message_search')
      .values({ position: found.position, search_text: bodyText })
      .onConflict((oc) => oc.column('position').doUpdateSet({ search_text: bodyText }))
      .execute();
    return;
  }
  const set = fullText === 'tsvector' ? { vector: sql`${tsvectorLiteral(text)}::tsvector` } : { search_text: padded(text) };
  const result = await ctx.db.updateTable('message_search').set(set).where('position', '=', found.position).executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) await insertMessageText(ctx, tenantId, messageId, searchText(body));
}
