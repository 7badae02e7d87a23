export * from './case-number.js';
export * from './hlc.js';
export * from './ids.js';
