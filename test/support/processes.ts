import path from 'node:path';

/** The checkout, where child processes run. */
export const ROOT = path.join(__dirname, '..', '..');

/** `node` arguments that run a TypeScript file of the project directly. */
export function tsNodeArgs(file: string, ...args: string[]): string[] {
  return ['-r', 'ts-node/register/transpile-only', path.join(ROOT, file), ...args];
}

/** Resolves once GET /ready answers 200; fails after 90 s, or at once when `exited` settles first. */
export async function waitForReady(url: string, exited?: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited?.then(() => (gone = true));
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline && !gone) {
    try {
      if ((await fetch(`${url}/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the server did not become ready');
}
