export * from './errors.js';
export * from './symbol.js';
export * from './provider.js';
export * from './quote.js';
export * from './bar.js';
export * from './company.js';
export * from './statements.js';
export * from './economics.js';
