export { memoryStore, type MemoryStore } from './memory-store.js';
