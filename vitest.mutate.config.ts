import { defineConfig } from 'vitest/config';

// The suites that import functions/ from source (the end-to-end, fault and hostile suites run the
// built bundle, which a mutant of the source never reaches): what `npm run mutate` runs per mutant.
export default defineConfig({
  test: {
    include: [
      'test/core/**/*.test.ts',
      'test/report/**/*.test.ts',
      'test/app/**/*.test.ts',
      'test/adapters/**/*.test.ts',
      'test/config/**/*.test.ts',
    ],
    exclude: ['test/core/boundaries.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
