import { expect } from 'chai';

/** Awaits `p`, expects it to reject, and returns the error for further checks. */
export async function rejection(p: Promise<unknown> | (() => Promise<unknown>)): Promise<Error> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).to.be.instanceOf(Error);
    return e as Error;
  }
  expect.fail('expected a rejection, but the promise resolved');
}
