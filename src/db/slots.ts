import { LimitExceededError } from '../kernel/errors';
import { text } from '../kernel/messages';

/**
 * A counting semaphore: at most `size` holders at once, the others wait in order. A waiter gives up
 * after `timeoutMs` with LIMIT_EXCEEDED (0: it waits as long as it takes).
 */
export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  /** Holders that found no free slot and waited; waiters that gave up. */
  waits = 0;
  timeouts = 0;

  constructor(
    readonly size: number,
    private readonly timeoutMs = 0,
  ) {
    this.free = size;
  }

  /** Slots held now. */
  get inUse(): number {
    return this.size - this.free;
  }

  /** Holders waiting for a slot now. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `work` once a slot is free, and frees it after. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.take();
    try {
      return await work();
    } finally {
      this.give();
    }
  }

  private async take(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return;
    }
    this.waits += 1;
    await new Promise<void>((resolve, reject) => {
      const granted = () => {
        if (timer) clearTimeout(timer);
        resolve();
      };
      const timer =
        this.timeoutMs > 0
          ? setTimeout(() => {
              this.waiting.splice(this.waiting.indexOf(granted), 1);
              this.timeouts += 1;
              reject(new LimitExceededError(text('BUSY')));
            }, this.timeoutMs)
          : null;
      this.waiting.push(granted);
    });
  }

  private give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }
}
