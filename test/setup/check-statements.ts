/**
 * Vitest setup (every test file): the SQL stores' statement caches check their keys
 * (`StatementCache.checkKeys`), so every statement a test runs through `runCached` is also
 * built from its own arguments and compared with the cached one it reused.
 */
import { StatementCache } from '../../adapters/sql/query-context.js';

StatementCache.checkKeys = true;
