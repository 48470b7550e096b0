import pino from 'pino';
import { config } from './index';

let instance: pino.Logger | null = null;

/** JSON lines on stdout: one object per event, with a level, a time and a message. */
export function logger(): pino.Logger {
  instance ??= pino({
    level: config().logLevel,
    base: { service: 'yiyang' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
  return instance;
}
