/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(ts|js)$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: false }],
  },
  // These ship only ES modules; jest runs CommonJS, so they are compiled like our own code.
  transformIgnorePatterns: ['/node_modules/(?!(kysely|kysely-d1|@atproto|@atproto-labs|multiformats|uint8arrays|cborg|@noble|p-queue|p-timeout|eventemitter3|await-lock)/)'],
  // Packages whose exports offer only an `import` condition, which jest's CommonJS resolver skips.
  moduleNameMapper: {
    '^multiformats$': '<rootDir>/node_modules/multiformats/dist/src/index.js',
    '^multiformats/(.*)$': '<rootDir>/node_modules/multiformats/dist/src/$1.js',
    '^uint8arrays$': '<rootDir>/node_modules/uint8arrays/dist/src/index.js',
    '^uint8arrays/(.*)$': '<rootDir>/node_modules/uint8arrays/dist/src/$1.js',
    '^cborg$': '<rootDir>/node_modules/cborg/cborg.js',
    '^await-lock$': '<rootDir>/node_modules/await-lock/build/AwaitLock.js',
  },
  // Integration tests each start workerd; two at a time suits a 2-core machine.
  maxWorkers: 2,
  testTimeout: 60_000,
  slowTestThreshold: 20,
}
