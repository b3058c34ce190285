#!/usr/bin/env node
// Lists functions in src/ longer than 60 lines (STYLE.md: "functions a screen long"). A function
// may stay longer when a comment right above it starts with "Long because:" and says why.
// Exits 1 when a long function has no such reason. Run by `npm run lint`.
import { readdir, readFile } from 'node:fs/promises'
import * as path from 'node:path'
import ts from 'typescript'

const LIMIT = 60
async function sources(dir) {
  const entries = await readdir(dir, { withFileTypes: true })
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : [path.join(dir, e.name)])))
  return nested.flat().filter((file) => file.endsWith('.ts'))
}

const findings = []
for (const file of await sources('src')) {
  const text = await readFile(file, 'utf8')
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line
      const end = source.getLineAndCharacterOfPosition(node.end).line
      const lines = end - start + 1
      if (lines > LIMIT) {
        const comments = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? []
        const statement = ts.isVariableDeclaration(node.parent) ? node.parent.parent.parent : undefined
        const outer = statement ? (ts.getLeadingCommentRanges(text, statement.getFullStart()) ?? []) : []
        const reason = [...comments, ...outer].some((c) => /Long because:/.test(text.slice(c.pos, c.end)))
        const name = node.name?.getText(source) ?? (ts.isVariableDeclaration(node.parent) ? node.parent.name.getText(source) : '(anonymous)')
        findings.push({ where: `${file}:${start + 1}`, name, lines, reason })
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
}
const unexplained = findings.filter((f) => !f.reason)
for (const f of findings) console.log(`${f.where}: ${f.name} is ${f.lines} lines${f.reason ? ' (reason given)' : ''}`)
console.log(`functions over ${LIMIT} lines: ${findings.length}, without a reason: ${unexplained.length}`)
process.exit(unexplained.length === 0 ? 0 : 1)
