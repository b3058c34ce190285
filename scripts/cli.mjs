// Command-line options for the contributor scripts: `--help` prints the usage; a bad option is
// one line and the usage on stderr (exit 2), never a stack trace.
import { parseArgs } from 'node:util'

/** The parsed option values, or the process ends (0 after --help, 2 on a bad option). */
export function parseOptions(options, usage) {
  let values
  try {
    ;({ values } = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h', default: false } } }))
  } catch (error) {
    console.error(`${error.message}\n\n${usage}`)
    process.exit(2)
  }
  if (values.help) {
    console.log(usage)
    process.exit(0)
  }
  return values
}
