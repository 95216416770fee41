export * from './policy.js';
export * from './quote-grade.js';
export * from './consensus.js';
