import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/**
 * PGlite lets two processes open one data directory and then silently loses writes, so the
 * process that opens it owns it through this lock file. A CLI started while the server runs
 * reads the file and talks to the server over loopback with the token instead of opening the DB.
 */
export type DataDirOwner = {
  pid: number
  port: number | null
  controlToken: string
  startedAt: string
}

const lockFile = (dataDir: string) => path.join(dataDir, 'bosun.lock')

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export function readDataDirOwner(dataDir: string): DataDirOwner | null {
  const file = lockFile(dataDir)
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch {
    return null
  }
  try {
    const owner = JSON.parse(text) as DataDirOwner
    if (typeof owner.pid === 'number' && owner.pid !== process.pid && isAlive(owner.pid)) return owner
  } catch {
    // A half-written or corrupt lock is treated as stale.
  }
  return null
}

export type DataDirLock = { owner: DataDirOwner; setPort: (port: number) => void; release: () => void }

export function acquireDataDirLock(dataDir: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true })
  const existing = readDataDirOwner(dataDir)
  if (existing) {
    throw new Error(
      `The data directory ${dataDir} is in use by Bosun process ${existing.pid}` +
        (existing.port ? ` (http://127.0.0.1:${existing.port})` : '') +
        '. Stop it first, or run CLI commands, which go through the running server.',
    )
  }
  const file = lockFile(dataDir)
  fs.rmSync(file, { force: true })
  const owner: DataDirOwner = {
    pid: process.pid,
    port: null,
    controlToken: crypto.randomBytes(24).toString('base64url'),
    startedAt: new Date().toISOString(),
  }
  const write = () => fs.writeFileSync(file, JSON.stringify(owner), { mode: 0o600 })
  // 'wx' makes two processes racing for the lock fail instead of both winning.
  fs.writeFileSync(file, JSON.stringify(owner), { mode: 0o600, flag: 'wx' })
  let released = false
  const release = () => {
    if (released) return
    released = true
    const current = readLockText(file)
    if (current && current.includes(owner.controlToken)) fs.rmSync(file, { force: true })
  }
  process.once('exit', release)
  return {
    owner,
    setPort: (port) => {
      owner.port = port
      write()
    },
    release,
  }
}

function readLockText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return null
  }
}
