export * from './authority.js';
export * from './config.js';
export * from './events.js';
export * from './fold.js';
export * from './roles.js';
export * from './state.js';
export * from './status.js';
