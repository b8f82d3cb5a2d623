import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { webDistDir } from '../server/app'

const webSourceDir = path.resolve(webDistDir, '../../src/web')

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs)
  }
  return newest
}

/** `npm start` builds the web app when dist/web is missing or older than src/web. */
export function buildWebIfNeeded(): void {
  const index = path.join(webDistDir, 'index.html')
  if (fs.existsSync(index) && (!fs.existsSync(webSourceDir) || fs.statSync(index).mtimeMs >= newestMtime(webSourceDir))) return
  process.stdout.write('Building the web app (vite build)…\n')
  const vite = path.resolve(webDistDir, '../../node_modules/vite/bin/vite.js')
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: path.resolve(webDistDir, '../..'), stdio: 'inherit' })
  if (result.status !== 0) throw new Error('vite build failed')
}
