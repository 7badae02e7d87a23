// Public API of the evaluation module (综合评价, DOMAIN.md §7): indicators, scorecards and special-operation shares.
export * from './facts.js';
export * from './indicators.js';
export * from './scorecards.js';
export * from './scoring.js';
export * from './special-operations.js';
