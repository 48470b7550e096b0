/**
 * Hooks an earlier feature runs inside its own mutation, which later features register into at start-up
 * (src/app/schema.ts), so that no import cycle arises: registering again under a name replaces (start-up
 * may run twice); they run in registration order, inside the caller's transaction.
 */
export interface HookList<T> {
  on(name: string, hook: (change: T) => Promise<void>): void;
  run(change: T): Promise<void>;
}

export function hookList<T>(): HookList<T> {
  const hooks = new Map<string, (change: T) => Promise<void>>();
  return {
    on(name, hook) {
      hooks.set(name, hook);
    },
    async run(change) {
      for (const hook of hooks.values()) await hook(change);
    },
  };
}
