/**
 * The command people type to run Gennaker in this project: `npx gennaker`, since `npm install`
 * does not put a project's own bin on PATH. Every command Gennaker prints for copying (the
 * judgment prompt's, resume, cancel, local down) starts with it, so it works as shown.
 */
export const GENNAKER = 'npx gennaker';
