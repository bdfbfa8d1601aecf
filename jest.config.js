/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(ts|js)$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: false }],
  },
  // kysely ships only ES modules; jest runs CommonJS, so it is compiled like our own code.
  transformIgnorePatterns: ['/node_modules/(?!(kysely|kysely-d1)/)'],
  // Integration tests each start workerd; two at a time suits a 2-core machine.
  maxWorkers: 2,
  testTimeout: 60_000,
  slowTestThreshold: 20,
}
