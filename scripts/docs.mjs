#!/usr/bin/env node
// Writes the README's input and output tables from action.yml, between the markers
// <!-- inputs:start --> / <!-- inputs:end --> and <!-- outputs:start --> / <!-- outputs:end -->.
// With --check it changes nothing and exits 1 when the README is not current, or when a YAML
// example in README.md or docs/ is invalid (scripts/check-examples.mjs; run in CI).
import { readFile, writeFile } from 'node:fs/promises'
import { checkExamples, documentationFiles } from './check-examples.mjs'
import { format, resolveConfig } from 'prettier'
import { parse } from 'yaml'

const check = process.argv.includes('--check')
const action = parse(await readFile('action.yml', 'utf8'))
const readme = await readFile('README.md', 'utf8')

const cell = (text) =>
  String(text ?? '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\|/g, '\\|')
const inputs = [
  '| Input | Required | Default | Description |',
  '|---|---|---|---|',
  ...Object.entries(action.inputs).map(([name, spec]) => {
    const fallback = spec.default === undefined || spec.default === '' ? '' : `\`${cell(spec.default)}\``
    return `| \`${name}\` | ${spec.required ? 'yes' : 'no'} | ${fallback} | ${cell(spec.description)} |`
  })
].join('\n')
const outputs = [
  '| Output | Description |',
  '|---|---|',
  ...Object.entries(action.outputs).map(([name, spec]) => `| \`${name}\` | ${cell(spec.description)} |`)
].join('\n')

function replaceBetween(text, name, content) {
  const start = `<!-- ${name}:start -->`
  const end = `<!-- ${name}:end -->`
  const from = text.indexOf(start)
  const to = text.indexOf(end)
  if (from < 0 || to < from) throw new Error(`README.md has no ${start} ... ${end} markers`)
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`
}

// Formatted the way `npm run format` would, so that the two never undo each other.
const prettierOptions = { ...(await resolveConfig('README.md')), filepath: 'README.md' }
const updated = await format(replaceBetween(replaceBetween(readme, 'inputs', inputs), 'outputs', outputs), prettierOptions)
if (check) {
  let failed = false
  if (updated !== readme) {
    console.error("README.md's input/output tables are not current: run 'npm run docs' and commit README.md")
    failed = true
  } else {
    console.log('README.md tables match action.yml')
  }
  const files = await documentationFiles()
  const { blocks, findings } = await checkExamples(files)
  for (const finding of findings) console.error(finding)
  console.log(`YAML examples: ${blocks} block(s) in ${files.length} file(s), ${findings.length} finding(s)`)
  if (findings.length > 0 || failed) process.exit(1)
} else if (updated !== readme) {
  await writeFile('README.md', updated)
  console.log('README.md tables updated from action.yml')
} else {
  console.log('README.md tables already current')
}
