// citation-js reads one paperdex export; prints what it understood as one JSON line.
// Usage: node check.mjs FORMAT FILE EXPECTED.json   (FORMAT: bibtex, biblatex, ris, csl-json;
// EXPECTED: {"key": "title", ...} as the library has them). Run by bench/interop.py.
import fs from 'node:fs'
import { Cite, plugins } from '@citation-js/core'
import '@citation-js/plugin-bibtex'
import '@citation-js/plugin-ris'
import '@citation-js/plugin-csl'

const [, , format, file, expectedFile] = process.argv
const warnings = []
console.warn = (...args) => warnings.push(args.join(' '))
console.error = (...args) => warnings.push(args.join(' '))
plugins.config.get('@bibtex').parse.strict = false

const text = fs.readFileSync(file, 'utf8')
const expected = JSON.parse(fs.readFileSync(expectedFile, 'utf8'))
const type = { bibtex: '@bibtex/text', biblatex: '@biblatex/text', ris: '@ris/file', 'csl-json': '@csl/list+object' }[format]
let items = []
let error = null
try {
  const cite = await Cite.async(format === 'csl-json' ? JSON.parse(text) : text, { forceType: type })
  items = cite.data
} catch (e) {
  error = String(e && e.message || e)
}
const titles = new Set(items.map(i => i.title))
const missing = Object.entries(expected).filter(([, t]) => !titles.has(t))
console.log(JSON.stringify({
  format,
  expected: Object.keys(expected).length,
  items: items.length,
  titles_intact: Object.keys(expected).length - missing.length,
  missing: missing.slice(0, 5),
  warnings: warnings.length,
  first_warnings: warnings.slice(0, 3),
  error,
}))
