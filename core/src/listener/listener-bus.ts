import type { KindlingListener } from './kindling-listener.js';

type EventName = keyof KindlingListener;

/**
 * Delivers scheduler events to listeners synchronously, in order. A throwing listener is
 * reported once per event and never disturbs scheduling.
 */
export class ListenerBus {
  private readonly listeners: KindlingListener[] = [];

  add(listener: KindlingListener): void {
    this.listeners.push(listener);
  }

  remove(listener: KindlingListener): void {
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  get isEmpty(): boolean {
    return this.listeners.length === 0;
  }

  post<E extends EventName>(name: E, event: Parameters<NonNullable<KindlingListener[E]>>[0]): void {
    for (const l of this.listeners) {
      const cb = l[name] as ((e: unknown) => void) | undefined;
      if (!cb) continue;
      try {
        cb.call(l, event);
      } catch (e) {
        process.emitWarning(`Kindling listener ${name} threw: ${(e as Error)?.stack ?? e}`);
      }
    }
  }
}
