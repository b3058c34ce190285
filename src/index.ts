/** The action's entry point: everything happens in run(), with the tests' hidden knobs read here. */
import { run } from './main.js'
import { tuningFromEnv } from './tuning.js'

await run(tuningFromEnv(process.env))
