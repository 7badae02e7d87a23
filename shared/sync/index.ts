export * from './blob-refs.js';
export * from './messages.js';
