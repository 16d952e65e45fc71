/** Time source for the schedulers, so tests can drive delay scheduling by hand. */
export interface Clock {
  now(): number;
}

export class SystemClock implements Clock {
  now(): number {
    return performance.timeOrigin + performance.now();
  }
}

export class ManualClock implements Clock {
  constructor(private time = 0) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
  set(ms: number): void {
    this.time = ms;
  }
}
