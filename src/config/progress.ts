/**
 * How long work tells where it is: a stage begins (ending the one before), with the number of units
 * it will take when known, and units get done. Services take one as an optional argument and never
 * print themselves; the commands render it (src/cli/progress.ts).
 */
export interface Progress {
  stage(name: string, total?: number): void;
  advance(n?: number): void;
  /** The current stage is over: the work is done, or goes on elsewhere. */
  done(): void;
}
