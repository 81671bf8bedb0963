import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'console/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    // Two cores: emulator-backed files each run their own moto_server, so keep the pool small.
    maxWorkers: 2,
    pool: 'forks',
    // One emulator check (and first-use install) for the run, with one line where it cannot be had.
    globalSetup: ['test/support/emulator-setup.ts'],
  },
});
