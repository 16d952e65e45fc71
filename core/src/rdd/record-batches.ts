/** Groups an iterator's records into arrays, the frame shape the shuffle reader consumes. */
export function* recordBatches(
  it: Iterator<unknown>,
  map?: (record: unknown) => unknown,
  size = 1024,
): Generator<unknown[], void, undefined> {
  let batch: unknown[] = [];
  for (let r = it.next(); !r.done; r = it.next()) {
    batch.push(map ? map(r.value) : r.value);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
