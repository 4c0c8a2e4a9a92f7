/**
 * `attention`: the derived sort key that puts unresolved tickets of the configured
 * priority and above at the top of the staff queue.
 */
import type { TicketConfig } from '../config.js';
import { UNRESOLVED_STATUSES, type Status } from '../types.js';

/** 0 for resolved tickets and priorities below `queueFirstPriority`, else the priority's rank + 1. */
export function attention(config: TicketConfig, priority: string, status: Status): number {
  if (!UNRESOLVED_STATUSES.includes(status)) return 0;
  const rank = config.priorities.indexOf(priority);
  return rank >= config.priorities.indexOf(config.queueFirstPriority) ? rank + 1 : 0;
}
