import { expect } from 'chai';
import { ConfigError } from '../errors.js';
import { KindlingConf } from './kindling-conf.js';
import { compileRedactionRegex, DEFAULT_REDACTION_REGEX, redact, redactionRegex, REDACTION_REPLACEMENT_TEXT } from './redaction.js';

describe('conf/redaction', () => {
  it("redacts Spark's default set of keys, case-insensitively, and leaves the rest", () => {
    const out = redact({
      'kindling.authenticate.secret': 's3cr3t',
      'kindling.ssl.keyPassword': 'pw',
      'kindling.hadoop.fs.s3a.access.key': 'AKIA',
      'kindling.hadoop.fs.s3a.accesskey': 'AKIA',
      'kindling.some.TOKEN': 't',
      'kindling.executor.memory': '1g',
      'kindling.master': 'local[2]',
    });
    expect(out).to.deep.equal({
      'kindling.authenticate.secret': REDACTION_REPLACEMENT_TEXT,
      'kindling.ssl.keyPassword': REDACTION_REPLACEMENT_TEXT,
      'kindling.hadoop.fs.s3a.access.key': REDACTION_REPLACEMENT_TEXT,
      'kindling.hadoop.fs.s3a.accesskey': REDACTION_REPLACEMENT_TEXT,
      'kindling.some.TOKEN': REDACTION_REPLACEMENT_TEXT,
      'kindling.executor.memory': '1g',
      'kindling.master': 'local[2]',
    });
  });

  it('redacts a value that matches even when its key does not (as Spark)', () => {
    expect(redact({ 'kindling.db.url': 'jdbc:x?password=hunter2' })).to.deep.equal({ 'kindling.db.url': REDACTION_REPLACEMENT_TEXT });
  });

  it('translates a leading Java inline flag into RegExp flags', () => {
    const re = compileRedactionRegex(DEFAULT_REDACTION_REGEX);
    expect(re.flags).to.equal('i');
    expect(re.source).to.equal('secret|password|token|access[.]?key');
    expect(compileRedactionRegex('(?is)a.b').flags).to.equal('is');
    expect(compileRedactionRegex('plain').flags).to.equal('');
  });

  it('uses kindling.redaction.regex from the conf', () => {
    const conf = new KindlingConf({ 'kindling.redaction.regex': '(?i)mykey' });
    expect(redact({ 'kindling.MYKEY': 'v', 'kindling.secret': 'kept' }, redactionRegex(conf))).to.deep.equal({
      'kindling.MYKEY': REDACTION_REPLACEMENT_TEXT,
      'kindling.secret': 'kept',
    });
  });

  it('refuses a bad pattern, naming the key and the value', () => {
    expect(() => compileRedactionRegex('(unclosed')).to.throw(ConfigError, "kindling.redaction.regex is not a valid regular expression: '(unclosed'");
    expect(() => compileRedactionRegex('a(?i)b')).to.throw(ConfigError, /only supported at the start/);
    expect(() => compileRedactionRegex('(?x)a b')).to.throw(ConfigError, /inline flag 'x'/);
  });
});
