/** Apple Partition Map (read side). */
export * from './apm.js';
