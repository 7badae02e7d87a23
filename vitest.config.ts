import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['node_modules', 'dist', 'test/bench/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll's default 1 s is too short for a page that boots, fetches and renders on a loaded CI machine.
    expect: { poll: { timeout: 10_000 } },
    // Builds console/dist once when it is missing (the browser suites drive the built console).
    globalSetup: ['test/support/global-setup.ts'],
  },
});
