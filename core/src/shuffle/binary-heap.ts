/** Array-backed binary min-heap, for the k-way merge of sorted runs. */
export class BinaryHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.compare(items[i], items[parent]) >= 0) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      this.siftDown();
    }
    return top;
  }

  /** Restores heap order after the top item was changed in place (cheaper than pop + push). */
  updateTop(): void {
    this.siftDown();
  }

  private siftDown(): void {
    const items = this.items;
    const n = items.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) return;
      const right = left + 1;
      const child = right < n && this.compare(items[right], items[left]) < 0 ? right : left;
      if (this.compare(items[child], items[i]) >= 0) return;
      [items[i], items[child]] = [items[child], items[i]];
      i = child;
    }
  }
}
