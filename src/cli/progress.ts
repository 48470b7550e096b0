import { performance } from 'node:perf_hooks';
import type { Progress } from '../config/progress';

/** Where progress is written: stderr, or a stand-in in tests. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

// A terminal gets one line redrawn at most 10 times a second; a log (CI, a file) gets plain lines:
// a stage's start and end, and in between at each tenth of its total (at most one a second, so that
// a quick stage takes two lines) or after 5 s without a line.
const REDRAW_MS = 100;
const PLAIN_MIN_MS = 1_000;
const PLAIN_QUIET_MS = 5_000;
const PLAIN_STEPS = 10;
const BAR_MAX = 30;
const BAR_MIN = 10;

function seconds(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

interface Stage {
  name: string;
  total: number | undefined;
  count: number;
  started: number;
  /** Plain mode: the count at which the next line is due, and when the last line was written. */
  nextStep: number;
  lastLine: number;
}

/**
 * Progress on a stream: on a terminal a redrawn bar (count/total, rate, elapsed) and each finished
 * stage kept as a line; elsewhere plain lines without control characters. `done()` ends the last
 * stage; `fail()` marks it failed; `note()` writes a message line without breaking the bar.
 */
export class ProgressReporter implements Progress {
  private current: Stage | null = null;
  private lastDraw = -Infinity;
  private timer: NodeJS.Timeout | null = null;
  private readonly tty: boolean;

  constructor(
    private readonly stream: ProgressStream = process.stderr,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tty = stream.isTTY === true && process.env.TERM !== 'dumb';
  }

  stage(name: string, total?: number): void {
    this.end('done');
    const now = this.now();
    this.current = { name, total, count: 0, started: now, nextStep: this.stepAfter(0, total), lastLine: now };
    if (this.tty) this.draw(now);
    else this.stream.write(`${name}: ${total === undefined ? 'started' : `0/${total}`}\n`);
    // Redraws the elapsed time (or writes a line after a quiet spell) while one long statement runs.
    this.timer ??= setInterval(() => this.tick(), this.tty ? REDRAW_MS : 1000).unref();
  }

  advance(n = 1): void {
    const stage = this.current;
    if (!stage) return;
    stage.count += n;
    if (this.tty) {
      const now = this.now();
      if (now - this.lastDraw >= REDRAW_MS) this.draw(now);
    } else if (stage.count >= stage.nextStep && stage.count < stage.total!) {
      const now = this.now();
      if (now - stage.lastLine >= PLAIN_MIN_MS) this.line(now);
    }
  }

  note(message: string): void {
    if (this.tty && this.current) {
      this.stream.write(`\r\x1b[K${message}\n`);
      this.draw(this.now());
    } else {
      this.stream.write(`${message}\n`);
    }
  }

  /** Ends the current stage; a later stage() starts afresh. */
  done(): void {
    this.end('done');
  }

  fail(): void {
    this.end('failed');
  }

  private tick(): void {
    if (!this.current) return;
    const now = this.now();
    if (this.tty) this.draw(now);
    else if (now - this.current.lastLine >= PLAIN_QUIET_MS) this.line(now);
  }

  private stepAfter(count: number, total: number | undefined): number {
    if (total === undefined || total <= 0) return Infinity;
    const step = total / PLAIN_STEPS;
    return Math.min(total, (Math.floor(count / step) + 1) * step);
  }

  private counted(stage: Stage): string {
    return stage.total === undefined ? String(stage.count) : `${stage.count}/${stage.total}`;
  }

  private line(now: number): void {
    const stage = this.current!;
    const percent = stage.total ? ` (${Math.floor((stage.count / stage.total) * 100)}%)` : '';
    const counted = stage.total === undefined && stage.count === 0 ? 'running' : this.counted(stage);
    this.stream.write(`${stage.name}: ${counted}${percent}, ${seconds(now - stage.started)}\n`);
    stage.lastLine = now;
    stage.nextStep = this.stepAfter(stage.count, stage.total);
  }

  private draw(now: number): void {
    const stage = this.current!;
    const elapsed = now - stage.started;
    const rate = stage.count > 0 && elapsed > 0 ? ` ${Math.round(stage.count / (elapsed / 1000))}/s` : '';
    const figures = `${stage.total !== undefined || stage.count > 0 ? ` ${this.counted(stage)}` : ''}${rate} ${seconds(elapsed)}`;
    const width = Math.max(20, (this.stream.columns ?? 80) - 1);
    let bar = '';
    if (stage.total !== undefined) {
      const size = Math.max(BAR_MIN, Math.min(BAR_MAX, width - stage.name.length - figures.length - 3));
      const filled = stage.total > 0 ? Math.min(size, Math.floor((stage.count / stage.total) * size)) : size;
      bar = ` [${'#'.repeat(filled)}${'-'.repeat(size - filled)}]`;
    }
    // Never wider than the terminal: a wrapped line could not be redrawn in place.
    this.stream.write(`\r${`${stage.name}${bar}${figures}`.slice(0, width)}\x1b[K`);
    this.lastDraw = now;
  }

  private end(outcome: 'done' | 'failed'): void {
    const stage = this.current;
    if (!stage) return;
    this.current = null;
    const elapsed = seconds(this.now() - stage.started);
    const counted = stage.total !== undefined || stage.count > 0 ? ` ${this.counted(stage)}` : '';
    const text = outcome === 'done' ? `${stage.name}: done${counted} in ${elapsed}` : `${stage.name}: failed after ${elapsed}`;
    this.stream.write(this.tty ? `\r${text}\x1b[K\n` : `${text}\n`);
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}
