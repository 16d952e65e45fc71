import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { HadoopConfError } from '../yarn-errors.js';
import { HadoopConf, hadoopConfDirs } from './hadoop-conf.js';
import { rmEndpoints } from './rm-endpoints.js';

const conf = (name: string) => fileURLToPath(new URL(`../../testdata/conf/${name}`, import.meta.url));

describe('yarn/config discovery (yarn-site.xml, core-site.xml, RM HA)', () => {
  const cases: Array<{ dir: string; env?: NodeJS.ProcessEnv; expected: unknown }> = [
    {
      dir: 'single',
      expected: [{ webappUrl: 'http://rm.example.com:8088', address: { host: 'rm.example.com', port: 8032 }, scheduler: { host: 'rm.example.com', port: 18030 } }],
    },
    {
      dir: 'ha',
      expected: [
        { id: 'rm1', webappUrl: 'http://rm1.example.com:8188', address: { host: 'rm1.example.com', port: 8132 }, scheduler: { host: 'rm1.example.com', port: 8130 } },
        { id: 'rm2', webappUrl: 'http://rm2.example.com:8188', address: { host: 'rm2.example.com', port: 8132 }, scheduler: { host: 'rm2.example.com', port: 8130 } },
      ],
    },
    {
      dir: 'ha-fallback',
      expected: [
        { id: 'a', webappUrl: 'http://host-a:8088', address: { host: 'host-a', port: 8032 }, scheduler: { host: 'host-a', port: 8030 } },
        { id: 'b', webappUrl: 'http://host-b:8088', address: { host: 'host-b', port: 8032 }, scheduler: { host: 'host-b', port: 8030 } },
      ],
    },
    {
      dir: 'https',
      expected: [{ webappUrl: 'https://secure-rm:8090', address: { host: 'secure-rm', port: 8032 }, scheduler: { host: 'secure-rm', port: 8030 } }],
    },
    {
      dir: 'env-subst',
      env: { KINDLING_TEST_RM_HOST: 'from-env' },
      expected: [{ webappUrl: 'http://from-env:9999', address: { host: '0.0.0.0', port: 8032 }, scheduler: { host: '0.0.0.0', port: 8030 } }],
    },
  ];
  for (const c of cases) {
    it(`reads the RM addresses of testdata/conf/${c.dir} with Hadoop's defaults`, async () => {
      const hc = await HadoopConf.load([conf(c.dir)], c.env ?? {});
      expect(rmEndpoints(hc)).to.deep.equal(c.expected);
    });
  }

  const errors: Array<{ dir: string; stage: 'load' | 'endpoints'; message: RegExp }> = [
    { dir: 'malformed', stage: 'load', message: /Malformed Hadoop config file .*malformed\/yarn-site\.xml/ },
    { dir: 'no-yarn-site', stage: 'load', message: /yarn-site\.xml not found in .*no-yarn-site.*HADOOP_CONF_DIR or YARN_CONF_DIR/ },
    { dir: 'does-not-exist', stage: 'load', message: /does-not-exist does not exist or is not a directory/ },
    { dir: 'bad-port', stage: 'endpoints', message: /yarn\.resourcemanager\.webapp\.address in .*bad-port\/yarn-site\.xml is 'rm:eighty', not host:port/ },
    { dir: 'ha-no-ids', stage: 'endpoints', message: /ha-no-ids\/yarn-site\.xml but yarn\.resourcemanager\.ha\.rm-ids is not set/ },
  ];
  for (const e of errors) {
    it(`names the file and the key for testdata/conf/${e.dir}`, async () => {
      let err: unknown;
      try {
        rmEndpoints(await HadoopConf.load([conf(e.dir)], {}));
      } catch (x) {
        err = x;
      }
      expect(err).to.be.instanceOf(HadoopConfError);
      expect((err as Error).message).to.match(e.message);
    });
  }

  it('needs a directory: no HADOOP_CONF_DIR/YARN_CONF_DIR and no fallback is a clear error', async () => {
    expect(hadoopConfDirs({ HADOOP_HOME: '/nonexistent' })).to.deep.equal(fsHasEtcHadoop() ? ['/etc/hadoop/conf'] : []);
    let err: unknown;
    await HadoopConf.load([], {}).catch((x) => (err = x));
    expect((err as Error).message).to.match(/set HADOOP_CONF_DIR or YARN_CONF_DIR/);
  });

  it('lets YARN_CONF_DIR override HADOOP_CONF_DIR (later directories win)', async () => {
    expect(hadoopConfDirs({ HADOOP_CONF_DIR: '/a', YARN_CONF_DIR: '/b' })).to.deep.equal(['/a', '/b']);
    const hc = await HadoopConf.load([conf('hdfs'), conf('single')], {});
    expect(hc.get('yarn.resourcemanager.hostname')).to.equal('rm.example.com');
    expect(hc.get('fs.defaultFS')).to.equal('file:///'); // single/core-site.xml is read after hdfs/'s
    expect(hc.get('dfs.namenode.http-address')).to.equal('nn.example.com:9870');
    expect(hc.source('fs.defaultFS')).to.match(/single\/core-site\.xml$/);
  });
});

function fsHasEtcHadoop(): boolean {
  return hadoopConfDirs({}).length > 0;
}
