#!/usr/bin/env node
// `npx gennaker ...` in this repository: loads the TypeScript CLI through tsx (a dev dependency).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
await main(process.argv.slice(2));
