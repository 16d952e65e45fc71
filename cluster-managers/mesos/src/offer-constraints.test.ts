import { expect } from 'chai';
import { ConfigError } from '@kindling/core/cluster-manager';
import { matchesConstraints, parseConstraints } from './offer-constraints.js';
import { resourcePool, scalarTotal, takeScalar } from './offer-resources.js';
import type { Attribute, Resource } from './mesos-types.js';

const attrs: Attribute[] = [
  { name: 'os', type: 'TEXT', text: { value: 'centos' } },
  { name: 'zone', type: 'TEXT', text: { value: 'us-east-1a' } },
  { name: 'gpus', type: 'SCALAR', scalar: { value: 4 } },
  { name: 'rack_range', type: 'RANGES', ranges: { range: [{ begin: 10, end: 20 }] } },
  { name: 'features', type: 'SET', set: { item: ['ssd', 'avx2', 'fast-net'] } },
];

describe("Offer constraints (Spark's attribute syntax) and scalar resources", () => {
  it('parses attr:v1,v2;attr2:v;attr3:', () => {
    expect([...parseConstraints('os:centos,ubuntu;zone:us-east-1a;gpus:').entries()]).to.deep.equal([
      ['os', ['centos', 'ubuntu']],
      ['zone', ['us-east-1a']],
      ['gpus', []],
    ]);
    expect(parseConstraints('').size).to.equal(0);
  });

  it('rejects an entry without a colon, naming the key and the syntax', () => {
    expect(() => parseConstraints('os:centos;zone')).to.throw(ConfigError, /Bad constraint string for kindling.mesos.constraints: 'zone'.*attr:value1,value2/);
  });

  it('matches TEXT by equality, SCALAR by ≤, RANGES by containment, SET by subset; an empty list by existence; all must match', () => {
    const ok = (c: string) => matchesConstraints(attrs, parseConstraints(c));
    expect(ok('os:centos,ubuntu')).to.equal(true);
    expect(ok('os:ubuntu')).to.equal(false);
    expect(ok('gpus:2')).to.equal(true);
    expect(ok('gpus:8')).to.equal(false);
    expect(ok('rack_range:15')).to.equal(true);
    expect(ok('rack_range:25')).to.equal(false);
    expect(ok('features:ssd,avx2')).to.equal(true);
    expect(ok('features:ssd,sse')).to.equal(false);
    expect(ok('zone:')).to.equal(true);
    expect(ok('missing:')).to.equal(false);
    expect(ok('os:centos;zone:us-east-1b')).to.equal(false);
    expect(ok('')).to.equal(true);
  });

  it('sums a name listed several times and consumes reserved entries first, keeping their role', () => {
    const offered: Resource[] = [
      { name: 'cpus', type: 'SCALAR', scalar: { value: 1.5 }, role: '*' },
      { name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, role: 'analytics' },
      { name: 'mem', type: 'SCALAR', scalar: { value: 2048 }, role: '*' },
    ];
    expect(scalarTotal(offered, 'cpus')).to.equal(2.5);
    const pool = resourcePool(offered);
    expect(takeScalar(pool, 'cpus', 2)).to.deep.equal([
      { name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, role: 'analytics' },
      { name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, role: '*' },
    ]);
    expect(scalarTotal(pool, 'cpus')).to.equal(0.5);
    expect(takeScalar(pool, 'cpus', 1)).to.equal(undefined);
    expect(scalarTotal(offered, 'cpus')).to.equal(2.5); // the offer itself is untouched
  });
});
