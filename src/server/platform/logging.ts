import { pino, type Logger } from 'pino'

export type { Logger }

export function createLogger(level: string = process.env.BOSUN_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime })
}
