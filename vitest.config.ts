import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` needs nothing but Node and runs in seconds;
 * `integration` talks to real services (Kafka, Prometheus, Alertmanager, the
 * collector) that test/infra starts as local processes.
 */
export default defineConfig({
  test: {
    // The JSON report is what .ci/run counts from.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'packages/*/test/**/*.test.ts',
            'test/**/*.test.ts',
            'examples/*/src/**/*.test.ts',
          ],
          exclude: ['**/*.integration.test.ts', '**/node_modules/**'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: [
            'packages/*/test/**/*.integration.test.ts',
            'packages/*/src/**/*.integration.test.ts',
            'test/**/*.integration.test.ts',
          ],
          globalSetup: ['test/infra/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 600_000,
          // Real services on a 2-core machine: one file at a time keeps them honest and unflaky.
          fileParallelism: false,
        },
      },
    ],
  },
});
