/** Time source for the client and limiter; injectable so tests never wait for real. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(
        () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

export interface ManualClock extends Clock {
  advance(ms: number): void;
  /** Every duration passed to sleep(), in call order. */
  readonly sleeps: number[];
}

/** A clock whose sleep() returns at once after moving time forward — for tests and simulations. */
export function createManualClock(start = Date.UTC(2026, 0, 5, 9, 0, 0), onSleep?: (ms: number) => void): ManualClock {
  let current = start;
  const sleeps: number[] = [];
  return {
    now: () => current,
    sleeps,
    advance(ms) {
      current += ms;
    },
    async sleep(ms, signal) {
      signal?.throwIfAborted();
      const duration = Math.max(0, ms);
      sleeps.push(duration);
      current += duration;
      onSleep?.(duration);
    },
  };
}
