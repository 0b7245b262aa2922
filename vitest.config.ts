// One Vitest run over every package: each run gets its own PostgreSQL databases and Redis queue
// prefix (scripts/test/global-setup.ts), removed afterwards.
import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  // graphql ships CJS and ESM builds; Apollo and type-graphql load the CJS one through Node, so
  // our code must too, or `instanceof GraphQLError` sees two classes.
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    include: ['{prisma,api,workers,web}/src/**/*.test.ts', 'web/lib/**/*.test.ts', 'scripts/house/**/*.test.ts'],
    globalSetup: ['scripts/test/global-setup.ts'],
    setupFiles: ['scripts/test/setup-file.ts'],
    pool: 'forks',
    // Sized for a shared CI machine with its CPUs saturated by others, where a test takes ten times
    // as long as alone (issue 17, item 13): tests wait on conditions, so a generous deadline costs
    // time only when something is really stuck.
    testTimeout: 90_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
