export * from './blob-batch.js';
export * from './blob-refs.js';
export * from './messages.js';
