// Jest runs the TypeScript sources as native ES modules (the toolkit packages are ESM-only),
// so it needs `node --experimental-vm-modules` (see the `test` script) and ts-jest in ESM mode.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  // Sources import './x.js' (NodeNext style); map that back to the .ts file for Jest.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }]
  },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  // Scratch space (demo builds, Stryker's sandboxes) holds copies of the project.
  modulePathIgnorePatterns: ['<rootDir>/.tmp/', '<rootDir>/reports/'],
  testTimeout: 60000,
  collectCoverageFrom: ['src/**/*.ts'],
  verbose: false
}
