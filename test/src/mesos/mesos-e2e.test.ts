import { expect } from 'chai';
import { KindlingContext } from '@kindling/core';
import { startMesosSimulation, type MesosSimulation } from './simulator/index.js';

const SECRET = 'mesos-e2e-secret-0123456789';

describe('Mesos adapter end to end against the simulated master (real executor processes)', function () {
  this.timeout(120_000);
  let sim: MesosSimulation;
  beforeEach(async () => {
    sim = await startMesosSimulation([{ cpus: 2, memMb: 4096 }, { cpus: 2, memMb: 4096 }], { fragmentSeed: 7 });
  });
  afterEach(() => sim.stop());

  for (const [contentType, authenticate] of [
    ['application/json', true],
    ['application/x-protobuf', false],
  ] as const) {
    it(`word count, ${contentType}${authenticate ? ', kindling.authenticate=true' : ''}`, async () => {
      const { cluster, master } = sim;
      const kc = await KindlingContext.create({
        master: master.url,
        appName: 'wordcount-mesos',
        conf: {
          'kindling.mesos.contentType': contentType,
          'kindling.executor.cores': '1',
          'kindling.cores.max': '2',
          'kindling.executor.memory': '256m',
          'kindling.executor.node': process.execPath,
          ...(authenticate ? { 'kindling.authenticate': 'true', 'kindling.authenticate.secret': SECRET } : {}),
        },
      });
      try {
        const deadline = Date.now() + 60_000;
        while (kc.executorInfos().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        expect(kc.executorInfos()).to.have.length(2);
        const counts = await kc
          .parallelize(['a b', 'b c', 'c a b', 'é 日本 é'], 4)
          .flatMap((l) => l.split(' '))
          .map((w) => [w, 1] as [string, number])
          .reduceByKey((a, b) => a + b)
          .collect();
        expect(Object.fromEntries(counts)).to.deep.equal({ a: 2, b: 3, c: 2, é: 2, 日本: 1 });
      } finally {
        await kc.stop();
      }
      // Everything went through the protocol: one SUBSCRIBE, ACCEPTs, ACKs, SUPPRESS, TEARDOWN.
      const types = master.calls.map((c) => c.type);
      expect(types[0]).to.equal('SUBSCRIBE');
      expect(types).to.include.members(['ACCEPT', 'ACKNOWLEDGE', 'SUPPRESS', 'TEARDOWN']);
      expect(cluster.tasks.size).to.equal(2);
      expect([...cluster.tasks.values()].map((t) => t.state)).to.satisfy((s: string[]) => s.every((x) => x === 'TASK_FINISHED' || x === 'TASK_KILLED'));
      const info = [...cluster.tasks.values()][0]!.info;
      const uri = info.command!.uris![0]!.value;
      if (authenticate) {
        // The secret is a SECRET variable (agents resolve it, masters do not show it), never in the command.
        expect(JSON.stringify(info.command!.value)).to.not.include(SECRET);
        expect(info.command!.environment!.variables).to.deep.include({
          name: 'KINDLING_AUTH_SECRET',
          type: 'SECRET',
          secret: { type: 'VALUE', value: { data: Buffer.from(SECRET).toString('base64') } },
        });
        expect(uri).to.match(/^http:\/\/127\.0\.0\.1:\d+\/app\/[0-9a-f]{64}\/[0-9a-f]{64}\.tgz$/);
      } else {
        // Secure by default: the driver generated a per-application secret; it travels the same way.
        const vars = (info.command!.environment?.variables ?? []) as Array<{ name: string; type?: string; secret?: { value: { data: string } } }>;
        const generated = vars.find((v) => v.name === 'KINDLING_AUTH_SECRET');
        expect(generated?.type).to.equal('SECRET');
        const value = Buffer.from(generated!.secret!.value.data, 'base64').toString();
        expect(value).to.have.length.greaterThan(30);
        expect(JSON.stringify(info.command!.value)).to.not.include(value);
        expect(uri).to.match(/^http:\/\/127\.0\.0\.1:\d+\/app\/[0-9a-f]{64}\/[0-9a-f]{64}\.tgz$/);
      }
    });
  }
});
