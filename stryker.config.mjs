// Mutation testing (`npm run mutate`, not part of CI: it takes minutes). Stryker changes one
// operator or literal at a time in the pure modules below and runs the unit tests against each
// change; a change no test notices ("survived") points at a behaviour nothing checks.
// Results: docs/development.md#mutation-testing. The HTML report goes to reports/mutation/.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  // Pure modules: no network, no process state, so unit tests can pin every branch.
  mutate: [
    'src/report/render.ts',
    'src/report/markdown.ts',
    'src/report/outputs.ts',
    'src/cocalc/links.ts',
    'src/cocalc/scripts.ts',
    'src/cocode/json.ts',
    'src/concurrency.ts',
    'src/context.ts'
  ],
  testRunner: 'jest',
  jest: { configFile: 'jest.unit.config.js', enableFindRelatedTests: true },
  // The tests are native ES modules (see jest.config.js).
  testRunnerNodeArgs: ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning'],
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  coverageAnalysis: 'perTest',
  // The machine is shared: one or two test processes at a time.
  concurrency: 2,
  timeoutMS: 20000,
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  thresholds: { high: 90, low: 80, break: null },
  ignoreStatic: true,
  tempDirName: '.tmp/stryker'
}
