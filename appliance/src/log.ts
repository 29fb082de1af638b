import { pino, type Logger } from 'pino';

/** Root logger of a service; modules take a child with `logger.child({ module })`. */
export const rootLogger: Logger = pino({
  level: process.env.HOTLINE_LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: { service: process.env.HOTLINE_SERVICE ?? 'hotline' },
});

/** A child logger for one module, so every line says where it came from. */
export function moduleLogger(module: string): Logger {
  return rootLogger.child({ module });
}

export type { Logger };
