export * from './policy.js';
export * from './quote-grade.js';
export * from './consensus.js';
export * from './bar-checks.js';
