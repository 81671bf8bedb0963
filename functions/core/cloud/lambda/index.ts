/** Lambda functions as a deploy target: published versions behind aliases (see model.ts). */
export * from './model.js';
export * from './names.js';
export * from './functions.js';
export { lambdaClientFor } from './clients.js';
