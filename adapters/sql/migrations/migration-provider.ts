/**
 * ticketry's migrations as a Kysely `MigrationProvider`. A fixed list, not a folder scan:
 * the code is bundled, so there is no folder at run time.
 */
import type { Migration, MigrationProvider } from 'kysely';
import { initialMigration } from './001-initial.js';
import { ticketStatsMigration } from './002-ticket-stats.js';
import { staffToolsMigration } from './003-staff-tools.js';
import { attachmentsMigration } from './004-attachments.js';
import { emailDeliveryMigration } from './005-email-delivery.js';
import { listColumnsMigration } from './006-list-columns.js';
import { searchMigration } from './007-search.js';
import { statsByDayMigration } from './008-stats-by-day.js';
import { searchWalkMigration } from './009-search-walk.js';
import { ownerTokensMigration } from './010-owner-tokens.js';
import { fullTextMigration } from './011-fulltext.js';
import { resellerQueueMigration } from './012-reseller-queue.js';
import { statsByWeekMigration } from './013-stats-by-week.js';
import { searchWalkOrderMigration } from './014-search-walk-order.js';
import { messageSearchTextMigration } from './015-message-search-text.js';
import { waitingOrderMigration } from './016-waiting-order.js';
import { statusQueueMigration } from './017-status-queue.js';
import type { MigrationContext } from './migration-context.js';

/**
 * The provider for `ctx`. Names sort in the order the migrations must run; never rename
 * or reorder a released one.
 */
export function ticketryMigrations(ctx: MigrationContext): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return {
        '001-initial': initialMigration(ctx),
        '002-ticket-stats': ticketStatsMigration(ctx),
        '003-staff-tools': staffToolsMigration(ctx),
        '004-attachments': attachmentsMigration(ctx),
        '005-email-delivery': emailDeliveryMigration(ctx),
        '006-list-columns': listColumnsMigration(ctx),
        '007-search': searchMigration(ctx),
        '008-stats-by-day': statsByDayMigration(ctx),
        '009-search-walk': searchWalkMigration(ctx),
        '010-owner-tokens': ownerTokensMigration(ctx),
        '011-fulltext': fullTextMigration(ctx),
        '012-reseller-queue': resellerQueueMigration(ctx),
        '013-stats-by-week': statsByWeekMigration(ctx),
        '014-search-walk-order': searchWalkOrderMigration(ctx),
        '015-message-search-text': messageSearchTextMigration(ctx),
        '016-waiting-order': waitingOrderMigration(ctx),
        '017-status-queue': statusQueueMigration(ctx),
      };
    },
  };
}
