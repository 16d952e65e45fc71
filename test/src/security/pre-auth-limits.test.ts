import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { KindlingContext } from '@kindling/core';
import { RpcServer } from '@kindling/core/internal/rpc/rpc-server';
import { executorProcesses } from '../helpers/executor-processes.js';
import { driverAddress } from './fake-executor.test-helper.js';

const flooder = fileURLToPath(new URL('../../testdata/frame-flood.mjs', import.meta.url));

/** Runs the flooder in its own process (its send buffers must not count against our RSS) while sampling ours. */
async function floodAndMeasure(driverUrl: string): Promise<{ growthMiB: number; sent: Array<{ sentMiB: number }> }> {
  const { host, port } = driverAddress(driverUrl);
  global.gc?.();
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  const out = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, [flooder, host, String(port), '3', '100'], { timeout: 60_000 }, (e, stdout) => (e ? reject(e) : resolve(stdout))),
  );
  clearInterval(sampler);
  return { growthMiB: (peak - baseline) / 2 ** 20, sent: JSON.parse(out) as Array<{ sentMiB: number }> };
}

describe('pre-authentication limits of the driver endpoint', function () {
  this.timeout(120_000);

  for (const auth of ['on (the default)', 'off'] as const) {
    it(`with authentication ${auth}, three connections sending 100 MiB frames do not grow the driver`, async () => {
      const conf: Record<string, string> = auth === 'off' ? { 'kindling.authenticate': 'false' } : {};
      const kc = await KindlingContext.create({ master: 'local-cluster[1,1,256]', conf });
      try {
        const { growthMiB, sent } = await floodAndMeasure(executorProcesses()[0]!.driverUrl);
        // The driver drops each connection at the 8-byte prefix: the flooder never gets far.
        expect(sent).to.have.length(3);
        for (const s of sent) expect(s.sentMiB).to.be.below(100);
        expect(growthMiB).to.be.below(64, `driver RSS grew by ${growthMiB.toFixed(1)} MiB`);
        expect(await kc.parallelize([1, 2, 3], 3).count()).to.equal(3);
      } finally {
        await kc.stop();
      }
    });
  }

  it('drops a connection that neither authenticates nor registers within kindling.network.timeout', async () => {
    const kc = await KindlingContext.create({
      master: 'local-cluster[1,1,256]',
      conf: { 'kindling.authenticate': 'false', 'kindling.network.timeout': '2s', 'kindling.executor.heartbeatInterval': '500ms' },
    });
    try {
      const { host, port } = driverAddress(executorProcesses()[0]!.driverUrl);
      const started = Date.now();
      const socket = connect({ host, port });
      socket.on('error', () => {});
      socket.resume();
      await new Promise((resolve) => socket.once('close', resolve));
      const elapsed = Date.now() - started;
      expect(elapsed).to.be.at.least(1500);
      expect(elapsed).to.be.below(20_000);
      expect(await kc.parallelize([1, 2], 2).count()).to.equal(2, 'the real executor, registered, is not affected');
    } finally {
      await kc.stop();
    }
  });
});

describe('refused connections are logged rate-limited', function () {
  this.timeout(120_000);

  it('3,000 refused connections write a handful of lines and a summary, not 3,000', async () => {
    const lines: string[] = [];
    const server = await RpcServer.listen({ secret: 's3cret', onConnection: () => undefined, log: (m) => lines.push(m) });
    try {
      const total = 3000;
      for (let done = 0; done < total; ) {
        const batch = Math.min(100, total - done);
        await Promise.all(
          Array.from({ length: batch }, () =>
            new Promise<void>((resolve) => {
              const s = connect({ host: '127.0.0.1', port: server.port }, () => s.end(Buffer.from([0, 0, 0, 0])));
              s.resume();
              s.on('error', () => resolve());
              s.on('close', () => resolve());
            }),
          ),
        );
        done += batch;
      }
    } finally {
      await server.close();
    }
    const summaries = lines.filter((l) => /^\.\.\. and \d+ more refused or dropped connections/.test(l));
    expect(lines.length).to.be.below(40, lines.slice(0, 5).join('\n'));
    expect(summaries.length).to.be.at.least(1);
    const logged = lines.length - summaries.length;
    const suppressed = summaries.reduce((n, l) => n + Number(/and (\d+) more/.exec(l)![1]), 0);
    expect(logged + suppressed).to.equal(3000, 'every refusal is counted, even if not logged one by one');
  });
});
