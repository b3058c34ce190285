/**
 * The action's entry point: everything happens in run(), with the tests' hidden knobs read here.
 * With step debug logging on, stack traces (printed by core.debug) are mapped to the TypeScript
 * sources by Node itself; otherwise the source maps are never read: parsing them cost about 90 ms
 * the first time any error's stack was touched, which closing an HTTP connection does in every run.
 */
if (process.env.RUNNER_DEBUG === '1') process.setSourceMapsEnabled(true)
// Loaded after the switch above, so their source maps apply.
const [{ run }, { tuningFromEnv }] = await Promise.all([import('./main.js'), import('./tuning.js')])

await run(tuningFromEnv(process.env))
