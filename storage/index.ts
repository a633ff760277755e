/** The storage engine's public surface, for the broker. */
export * from './log-manager.js';
