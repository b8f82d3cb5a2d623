/**
 * Module boundaries, checked on the source text:
 *  - a file in src/server/modules/A may import another module B only through its index ('../B'),
 *    never '../B/anything';
 *  - src/server/platform/** imports no module;
 *  - src/shared/** imports nothing from the server or the web app.
 * Imports are read with TypeScript's own pre-processor (import/export … from, import(), require()),
 * so comments and strings are not mistaken for imports.
 */
import fs from 'node:fs'
import path from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '..')
const src = path.join(root, 'src')
const modulesDir = path.join(src, 'server', 'modules')
const platformDir = path.join(src, 'server', 'platform')
const sharedDir = path.join(src, 'shared')
const serverDir = path.join(src, 'server')
const webDir = path.join(src, 'web')

type Import = { specifier: string; line: number }
type Violation = { file: string; line: number; specifier: string; rule: string }

const isSource = (name: string) => /\.(ts|tsx|mts|cts)$/.test(name) && !name.endsWith('.d.ts')

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full)
    return isSource(entry.name) ? [full] : []
  })
}

export function importsOf(text: string): Import[] {
  const info = ts.preProcessFile(text, true, true)
  const lineOf = (position: number) => text.slice(0, position).split('\n').length
  return info.importedFiles.map((ref) => ({ specifier: ref.fileName, line: lineOf(ref.pos) }))
}

const inside = (dir: string, file: string) => {
  const relative = path.relative(dir, file)
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))
}

/** Where a relative specifier points, without extension ('../accounts/index.ts' → '…/accounts'). */
function resolveSpecifier(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null
  let target = path.resolve(path.dirname(file), specifier).replace(/\.(m|c)?(t|j)sx?$/, '')
  if (path.basename(target) === 'index') target = path.dirname(target)
  return target
}

/** The module folder (name under src/server/modules) a path belongs to, or null. */
function moduleOf(target: string): { name: string; depth: number } | null {
  if (!inside(modulesDir, target) || target === modulesDir) return null
  const parts = path.relative(modulesDir, target).split(path.sep)
  return { name: parts[0], depth: parts.length }
}

export function checkFile(file: string, text: string): Violation[] {
  const violations: Violation[] = []
  const relFile = path.relative(root, file)
  const add = (imp: Import, rule: string) => violations.push({ file: relFile, line: imp.line, specifier: imp.specifier, rule })
  const own = moduleOf(file)
  const inModuleFolder = own !== null && own.depth > 1

  for (const imp of importsOf(text)) {
    const target = resolveSpecifier(file, imp.specifier)

    if (inModuleFolder && target) {
      const other = moduleOf(target)
      // Entering another module anywhere but its index ('../B', '../B/index').
      if (other && other.name !== own.name && other.depth > 1) {
        add(imp, `module "${own.name}" reaches into module "${other.name}"; import '${path.relative(path.dirname(file), path.join(modulesDir, other.name)).split(path.sep).join('/')}' (its index) instead`)
      }
    }

    if (inside(platformDir, file)) {
      const intoModules = target ? inside(modulesDir, target) : /(^|\/)modules(\/|$)/.test(imp.specifier)
      if (intoModules) add(imp, 'platform must not import modules')
    }

    if (inside(sharedDir, file)) {
      const bad = target
        ? inside(serverDir, target) || inside(webDir, target)
        : /(^|\/)src\/(server|web)(\/|$)/.test(imp.specifier)
      if (bad) add(imp, 'shared must not import from server or web')
    }
  }
  return violations
}

const format = (violations: Violation[]) => violations.map((v) => `${v.file}:${v.line}  '${v.specifier}'  — ${v.rule}`).join('\n')

function checkDir(dir: string): Violation[] {
  return sourceFiles(dir).flatMap((file) => checkFile(file, fs.readFileSync(file, 'utf8')))
}

describe('architecture', () => {
  it('reads imports of every form with their line numbers', () => {
    const text = [
      "import { a } from '../accounts'",
      '// import { fake } from "../accounts/accounts.repo"',
      'import type {',
      '  B,',
      "} from '../accounts/accounts.repo'",
      "export * from './local'",
      "const lazy = () => import('../identity/passwords')",
    ].join('\n')
    expect(importsOf(text)).toEqual([
      { specifier: '../accounts', line: 1 },
      { specifier: '../accounts/accounts.repo', line: 5 },
      { specifier: './local', line: 6 },
      { specifier: '../identity/passwords', line: 7 },
    ])
  })

  it('tells an index import from a reach into another module', () => {
    const file = path.join(modulesDir, 'touchpoints', 'touchpoints.service.ts')
    const text = [
      "import { accounts } from '../accounts'",
      "import { x } from '../accounts/index'",
      "import { y } from '../accounts/accounts.repo'",
      "import { z } from './touchpoints.repo'",
      "import { Db } from '../../platform/db'",
    ].join('\n')
    expect(checkFile(file, text).map((v) => v.line)).toEqual([3])
    const nested = path.join(modulesDir, 'identity', 'jobs', 'expired-sessions.ts')
    expect(checkFile(nested, "import { a } from '../../accounts'\nimport { b } from '../identity.repo'\nimport { c } from '../../audit/audit.repo'").map((v) => v.line)).toEqual([3])
    const platform = path.join(platformDir, 'http.ts')
    expect(checkFile(platform, "import { a } from '../modules/identity'").map((v) => v.line)).toEqual([1])
    const shared = path.join(sharedDir, 'roles.ts')
    expect(checkFile(shared, "import { a } from '../server/platform/db'\nimport { b } from '../web/lib/format'\nimport { c } from './problem'").map((v) => v.line)).toEqual([1, 2])
  })

  it('finds the sources it is meant to check', () => {
    const moduleFiles = fs
      .readdirSync(modulesDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) => sourceFiles(path.join(modulesDir, entry.name)))
    expect(moduleFiles.length).toBeGreaterThan(5)
    expect(sourceFiles(platformDir).length).toBeGreaterThan(0)
    expect(sourceFiles(sharedDir).length).toBeGreaterThan(0)
  })

  it('modules import each other only through their index', () => {
    const moduleFolders = fs
      .readdirSync(modulesDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => path.join(modulesDir, entry.name))
    const violations = moduleFolders.flatMap(checkDir)
    expect(violations, `\n${format(violations)}\n`).toEqual([])
  })

  it('platform imports no module', () => {
    const violations = checkDir(platformDir)
    expect(violations, `\n${format(violations)}\n`).toEqual([])
  })

  it('shared imports nothing from server or web', () => {
    const violations = checkDir(sharedDir)
    expect(violations, `\n${format(violations)}\n`).toEqual([])
  })
})
