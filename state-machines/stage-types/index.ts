// Importing a family registers its stage types.
import './flow.js';

export * from './registry.js';
