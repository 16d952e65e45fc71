import { expect } from 'chai';
import * as fs from 'node:fs';
import { KindlingContext } from '@kindling/core';
import { startCluster, waitFor, type TestCluster } from './standalone-cluster.test-helper.js';
import type { MasterSnapshot } from './master-snapshot.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
// An app name that would run script if the UI did not escape it.
const HOSTILE_NAME = `ui-test <img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> & "quotes"`;

describe('standalone web UI (master and worker pages)', function () {
  this.timeout(120_000);
  let cluster: TestCluster;
  let kc: KindlingContext;

  before(async () => {
    cluster = await startCluster({ workers: 1 });
    kc = await KindlingContext.create({ master: cluster.masterUrl, appName: HOSTILE_NAME, conf: { 'kindling.executor.memory': '256m' } });
    await waitFor(() => kc.executorInfos().length === 1, 30_000, 'an executor');
    await kc.parallelize([1, 2, 3], 3).count();
  });
  after(async () => {
    await kc?.stop();
    await cluster?.stop();
  });

  it('serves /json with the workers, cores, memory and running app', async () => {
    const s = (await (await fetch(`${cluster.masterWebUi}/json`)).json()) as MasterSnapshot;
    expect(s.status).to.equal('ALIVE');
    expect(s.url).to.equal(cluster.masterUrl);
    expect(s.aliveworkers).to.equal(1);
    expect([s.cores, s.coresused]).to.deep.equal([2, 2]);
    expect(s.activeapps.map((a) => a.name)).to.deep.equal([HOSTILE_NAME]);
    expect(s.workers[0]!.webuiaddress).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("the worker's log page serves executor logs and refuses path traversal", async () => {
    const s = (await (await fetch(`${cluster.masterWebUi}/json`)).json()) as MasterSnapshot;
    const ui = s.workers[0]!.webuiaddress;
    const appId = s.activeapps[0]!.id;
    const ok = await fetch(`${ui}/log?appId=${appId}&executorId=0&logType=stderr`);
    expect(ok.status).to.equal(200);
    for (const bad of [`appId=..&executorId=0&logType=stderr`, `appId=${appId}&executorId=0&logType=../../etc/passwd`, `appId=${encodeURIComponent('../x')}&executorId=0&logType=stdout`]) {
      const r = await fetch(`${ui}/logPage/?${bad}`);
      expect(r.status, bad).to.equal(400);
    }
    expect((await fetch(`${ui}/nope`)).status).to.equal(404);
    expect((await fetch(`${cluster.masterWebUi}/`, { method: 'POST' })).status).to.equal(405);
  });

  it('renders in headless Chromium: workers, apps and log links, with user strings escaped', async function () {
    if (!fs.existsSync(CHROMIUM)) {
      console.warn(`SKIP: ${CHROMIUM} is missing; .ci/run installs Debian's chromium (apt-get install chromium)`);
      this.skip();
    }
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    try {
      const page = await browser.newPage();
      await page.goto(`${cluster.masterWebUi}/`);
      expect(await page.textContent('#status')).to.equal('ALIVE');
      const worker = await page.$$eval('#workers tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
      expect(worker).to.have.length(1);
      expect(worker[0]![2]).to.equal('ALIVE');
      expect(worker[0]![3]).to.equal('2 (2 used)');
      expect(worker[0]![4]).to.equal('2.0 GiB (256 MiB used)');
      const appNames = await page.$$eval('#running-apps tbody tr td:nth-child(2)', (tds) => tds.map((td) => td.textContent));
      expect(appNames).to.deep.equal([HOSTILE_NAME]);
      // Escaped: the name is text, not markup, and nothing ran.
      expect(await page.$$('img')).to.have.length(0);
      expect(await page.evaluate('typeof window.__pwned')).to.equal('undefined');
      // Follow the executor's stderr link to the worker's log page.
      const href = await page.getAttribute('#executors a:text("stderr")', 'href');
      expect(href).to.match(/\/logPage\/\?appId=app-[0-9-]+&executorId=0&logType=stderr$/);
      await page.goto(href!);
      expect(await page.$('#log')).to.not.equal(null);
      // The worker's own page lists the executor.
      const workerUi = new URL(page.url()).origin;
      await page.goto(`${workerUi}/`);
      const rows = await page.$$eval('#executors tbody tr', (trs) => trs.map((r) => [...r.querySelectorAll('td')].slice(0, 5).map((td) => td.textContent)));
      expect(rows).to.have.length(1);
      expect(rows[0]!.slice(1)).to.deep.equal(['0', '2', '256 MiB', 'RUNNING']);
    } finally {
      await browser.close();
    }
  });
});
