// The unit tests alone (no build, no child processes): what `npm run mutate` runs per mutant.
import base from './jest.config.js'

export default { ...base, testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts'] }
