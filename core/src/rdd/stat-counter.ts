/**
 * Spark's StatCounter: count, mean and the sum of squared deviations (m2) of a stream of numbers,
 * updated with Welford's algorithm and merged with Chan et al.'s parallel formula, so partial
 * results from partitions combine without the cancellation of sum-of-squares formulas.
 */
export interface StatCounterState {
  n: number;
  mu: number;
  m2: number;
  max: number;
  min: number;
}

export class StatCounter {
  private n = 0;
  private mu = 0;
  private m2 = 0;
  private maxValue = Number.NEGATIVE_INFINITY;
  private minValue = Number.POSITIVE_INFINITY;

  constructor(values: Iterable<number> = []) {
    for (const v of values) this.add(v);
  }

  static fromState(s: StatCounterState): StatCounter {
    const c = new StatCounter();
    c.n = s.n;
    c.mu = s.mu;
    c.m2 = s.m2;
    c.maxValue = s.max;
    c.minValue = s.min;
    return c;
  }

  state(): StatCounterState {
    return { n: this.n, mu: this.mu, m2: this.m2, max: this.maxValue, min: this.minValue };
  }

  /** Adds one value (Spark's merge(value: Double)). */
  add(value: number): this {
    const delta = value - this.mu;
    this.n += 1;
    this.mu += delta / this.n;
    this.m2 += delta * (value - this.mu);
    this.maxValue = Math.max(this.maxValue, value);
    this.minValue = Math.min(this.minValue, value);
    return this;
  }

  /** Merges another counter into this one (Spark's merge(other: StatCounter)). */
  merge(other: StatCounter): this {
    if (other === this) return this.merge(other.copy());
    if (this.n === 0) {
      Object.assign(this, { n: other.n, mu: other.mu, m2: other.m2, maxValue: other.maxValue, minValue: other.minValue });
    } else if (other.n !== 0) {
      const delta = other.mu - this.mu;
      const total = this.n + other.n;
      // Spark's choice of update keeps precision when one side is much larger than the other.
      if (other.n * 10 < this.n) this.mu = this.mu + (delta * other.n) / total;
      else if (this.n * 10 < other.n) this.mu = other.mu - (delta * this.n) / total;
      else this.mu = (this.mu * this.n + other.mu * other.n) / total;
      this.m2 += other.m2 + (delta * delta * this.n * other.n) / total;
      this.n = total;
      this.maxValue = Math.max(this.maxValue, other.maxValue);
      this.minValue = Math.min(this.minValue, other.minValue);
    }
    return this;
  }

  copy(): StatCounter {
    return StatCounter.fromState(this.state());
  }

  get count(): number {
    return this.n;
  }
  /** 0 for no values, as Spark. */
  get mean(): number {
    return this.mu;
  }
  get sum(): number {
    return this.n * this.mu;
  }
  /** -Infinity for no values. */
  get max(): number {
    return this.maxValue;
  }
  /** Infinity for no values. */
  get min(): number {
    return this.minValue;
  }
  /** Population variance; NaN for no values. */
  get variance(): number {
    return this.n === 0 ? Number.NaN : this.m2 / this.n;
  }
  /** Sample variance (divides by n - 1); NaN for fewer than two values. */
  get sampleVariance(): number {
    return this.n <= 1 ? Number.NaN : this.m2 / (this.n - 1);
  }
  get stdev(): number {
    return Math.sqrt(this.variance);
  }
  get sampleStdev(): number {
    return Math.sqrt(this.sampleVariance);
  }

  toString(): string {
    const f = (x: number) => x.toFixed(6);
    return `(count: ${this.n}, mean: ${f(this.mean)}, stdev: ${f(this.stdev)}, max: ${f(this.max)}, min: ${f(this.min)})`;
  }
}
