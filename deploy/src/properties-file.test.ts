import { expect } from 'chai';
import * as path from 'node:path';
import { ConfigError } from '@kindling/core';
import { loadPropertiesFile, parseProperties } from './properties-file.js';
import { useTempDir } from './deploy.test-helper.js';

describe('deploy/properties file', () => {
  const tmp = useTempDir();

  it('reads "key value" and "key=value" lines, skipping comments and blank lines', () => {
    const text = [
      '# defaults for the app',
      '',
      'kindling.a 1',
      'kindling.b=2',
      '  kindling.c   =   three words  ',
      'kindling.d\tx=y',
      'kindling.e=',
      '   # indented comment',
      'kindling.a 10',
    ].join('\n');
    expect(parseProperties(text, 'f.conf')).to.deep.equal({
      'kindling.a': '10',
      'kindling.b': '2',
      'kindling.c': 'three words',
      'kindling.d': 'x=y',
      'kindling.e': '',
    });
  });

  it('handles CRLF line ends and a byte-order mark', () => {
    expect(parseProperties('\uFEFFkindling.a=1\r\nkindling.b 2\r\n', 'f')).to.deep.equal({ 'kindling.a': '1', 'kindling.b': '2' });
  });

  it('rejects a line without a separator, naming the file and line', () => {
    expect(() => parseProperties('kindling.a 1\nkindling.b\n', '/x/app.conf'))
      .to.throw(ConfigError)
      .with.property('message')
      .that.includes('line 2 in properties file /x/app.conf');
  });

  it('loads a file relative to the given directory', () => {
    tmp.write('app.conf', 'kindling.x 1\n');
    expect(loadPropertiesFile('app.conf', tmp.dir)).to.deep.equal({ 'kindling.x': '1' });
  });

  it('names a missing file in its error', () => {
    const missing = path.join(tmp.dir, 'nope.conf');
    expect(() => loadPropertiesFile(missing)).to.throw(ConfigError, `Properties file ${missing} does not exist`);
  });
});
