/** Where a resolved kindling-submit value came from, for precedence and for --verbose. */
export type ConfSource =
  | { readonly kind: 'default' }
  | { readonly kind: 'environment'; readonly variable: string }
  | { readonly kind: 'properties-file'; readonly file: string }
  | { readonly kind: 'conf' }
  | { readonly kind: 'flag'; readonly flag: string };

/** Lowest first: a later source overrides an earlier one (spark-submit's order). */
const PRECEDENCE: Record<ConfSource['kind'], number> = { default: 0, environment: 1, 'properties-file': 2, conf: 3, flag: 4 };

export function describeSource(s: ConfSource): string {
  switch (s.kind) {
    case 'default':
      return 'default';
    case 'environment':
      return `environment ${s.variable}`;
    case 'properties-file':
      return `properties file ${s.file}`;
    case 'conf':
      return '--conf';
    case 'flag':
      return `flag ${s.flag}`;
  }
}

export interface SourcedValue {
  readonly value: string;
  readonly source: ConfSource;
}

/** kindling.* values with their source; a value from a lower-precedence source never replaces a higher one. */
export class SourcedConf {
  private readonly values = new Map<string, SourcedValue>();

  set(key: string, value: string, source: ConfSource): void {
    const current = this.values.get(key);
    if (current && PRECEDENCE[current.source.kind] > PRECEDENCE[source.kind]) return;
    this.values.set(key, { value, source });
  }

  get(key: string): string | undefined {
    return this.values.get(key)?.value;
  }

  entry(key: string): SourcedValue | undefined {
    return this.values.get(key);
  }

  delete(key: string): void {
    this.values.delete(key);
  }

  /** Sorted by key. */
  entries(): Array<[string, SourcedValue]> {
    return [...this.values.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  toRecord(): Record<string, string> {
    return Object.fromEntries([...this.values].map(([k, v]) => [k, v.value]));
  }
}
