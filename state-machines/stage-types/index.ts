// Importing a family registers its stage types.
import './flow.js';
import './external.js';
import './cloud.js';
import './lambda.js';

export * from './registry.js';
export * from './fields.js';
