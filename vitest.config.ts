import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Brokers spawned as processes (the CLI) inherit this: their HTTP listener and Schema Registry
    // take free ports instead of the defaults 9080 and 8081, so brokers of tests running side by
    // side never collide.
    env: { BROOKLET_HTTP_PORT: '0', BROOKLET_SCHEMA_REGISTRY_PORT: '0' },
  },
});
