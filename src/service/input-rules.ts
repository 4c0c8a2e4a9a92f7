/**
 * Input values checked against the configuration: membership of the configured
 * categories, priorities and departments. (Body limits: `render-message.ts`.)
 */
import type { TicketConfig } from '../config.js';
import { ValidationError } from '../errors.js';

/** `category`, if configured. */
export function checkCategory(config: TicketConfig, category: string): string {
  if (!config.categories.includes(category)) {
    throw new ValidationError(`Unknown category "${category}"; use one of ${config.categories.join(', ')}`, 'category');
  }
  return category;
}

/** `priority`, if configured. */
export function checkPriority(config: TicketConfig, priority: string): string {
  if (!config.priorities.includes(priority)) {
    throw new ValidationError(`Unknown priority "${priority}"; use one of ${config.priorities.join(', ')}`, 'priority');
  }
  return priority;
}

/** Customers choose priorities up to `config.customerMaxPriority`. */
export function checkCustomerPriority(config: TicketConfig, priority: string): void {
  const max = config.customerMaxPriority;
  if (config.priorities.indexOf(priority) > config.priorities.indexOf(max)) {
    throw new ValidationError(`Customers can choose a priority up to ${max}`, 'priority', { params: { max } });
  }
}

/** `department` (or `null`), if configured. */
export function checkDepartment(config: TicketConfig, department: string | null): string | null {
  if (department === null) return null;
  if (!config.departments.some((d) => d.id === department)) {
    const known = config.departments.map((d) => d.id);
    throw new ValidationError(
      `Unknown department "${department}"${known.length ? `; use one of ${known.join(', ')}` : ' (no departments are configured)'}`,
      'department',
    );
  }
  return department;
}
