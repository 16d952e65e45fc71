/** `@kindling/core/testing`: the cluster-manager conformance kit (a mocha suite). */
export { conformanceSuite, type ConformanceFixture } from './conformance-suite.js';
