import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseStringPromise } from 'xml2js';
import { HadoopConfError } from '../yarn-errors.js';

/** Where a key's value came from, so errors can name the file. */
interface Entry {
  value: string;
  file: string;
}

/**
 * Hadoop's *-site.xml files as one key/value map (later files win, as Hadoop's Configuration
 * does), with `${key}` and `${env.VAR}` substitution. The *-default.xml files live inside Hadoop's
 * jars, so the defaults this adapter relies on are written out where they are used.
 */
export class HadoopConf {
  private constructor(
    private readonly entries: Map<string, Entry>,
    readonly files: readonly string[],
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** A config from literal values (tests, and the AM which gets its addresses from the client). */
  static of(values: Record<string, string>, env: NodeJS.ProcessEnv = process.env): HadoopConf {
    const m = new Map<string, Entry>();
    for (const [k, v] of Object.entries(values)) m.set(k, { value: v, file: '<literal>' });
    return new HadoopConf(m, [], env);
  }

  /**
   * Read core-site.xml, hdfs-site.xml then yarn-site.xml from each directory in order (HADOOP_CONF_DIR, then
   * YARN_CONF_DIR, so YARN's own directory wins). yarn-site.xml must exist in at least one.
   */
  static async load(dirs: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<HadoopConf> {
    if (dirs.length === 0) {
      throw new HadoopConfError('No Hadoop configuration found: set HADOOP_CONF_DIR or YARN_CONF_DIR to the directory holding yarn-site.xml');
    }
    const entries = new Map<string, Entry>();
    const files: string[] = [];
    for (const dir of dirs) {
      if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
        throw new HadoopConfError(`Hadoop configuration directory ${dir} does not exist or is not a directory (check HADOOP_CONF_DIR / YARN_CONF_DIR)`);
      }
      for (const name of ['core-site.xml', 'hdfs-site.xml', 'yarn-site.xml']) {
        const file = path.join(dir, name);
        if (!fs.existsSync(file)) continue;
        for (const [k, v] of await parseSiteFile(file)) entries.set(k, { value: v, file });
        files.push(file);
      }
    }
    if (!files.some((f) => path.basename(f) === 'yarn-site.xml')) {
      throw new HadoopConfError(`yarn-site.xml not found in ${dirs.join(', ')}: the YARN adapter needs it for yarn.resourcemanager.* (set HADOOP_CONF_DIR or YARN_CONF_DIR to your cluster's configuration)`);
    }
    return new HadoopConf(entries, files, env);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The value with substitutions applied, or `fallback` (itself substituted) when unset. */
  get(key: string, fallback?: string): string | undefined {
    const e = this.entries.get(key);
    const raw = e?.value ?? fallback;
    return raw === undefined ? undefined : this.substitute(raw, key, 0);
  }

  /** Which file set a key, for error messages. */
  source(key: string): string {
    return this.entries.get(key)?.file ?? (this.files.length ? this.files.join(', ') : 'the Hadoop configuration');
  }

  private substitute(value: string, key: string, depth: number): string {
    if (depth > 20) throw new HadoopConfError(`Hadoop config key ${key} in ${this.source(key)}: variable substitution depth exceeded (a \${...} loop?)`);
    return value.replace(/\$\{([^}$\s]+)\}/g, (whole, name: string) => {
      if (name.startsWith('env.')) return this.env[name.slice(4)] ?? whole;
      const inner = this.entries.get(name)?.value;
      return inner === undefined ? whole : this.substitute(inner, name, depth + 1);
    });
  }
}

/** The `<configuration><property><name/><value/></property>...` pairs of one file. */
async function parseSiteFile(file: string): Promise<Array<[string, string]>> {
  let doc: unknown;
  try {
    doc = await parseStringPromise(fs.readFileSync(file, 'utf8'), { explicitArray: true });
  } catch (e) {
    throw new HadoopConfError(`Malformed Hadoop config file ${file}: ${(e as Error).message.split('\n').join(' ')}`);
  }
  const root = (doc as { configuration?: unknown } | null)?.configuration;
  if (root === undefined) throw new HadoopConfError(`Malformed Hadoop config file ${file}: the root element must be <configuration>`);
  const props = (typeof root === 'object' && root !== null ? (root as { property?: unknown[] }).property : undefined) ?? [];
  const out: Array<[string, string]> = [];
  props.forEach((p, i) => {
    const prop = p as { name?: unknown[]; value?: unknown[] };
    const name = text(prop.name?.[0]);
    if (!name) throw new HadoopConfError(`Malformed Hadoop config file ${file}: <property> #${i + 1} has no <name>`);
    out.push([name.trim(), text(prop.value?.[0]).trim()]);
  });
  return out;
}

function text(node: unknown): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string') return node;
  if (typeof node === 'object' && '_' in (node as object)) return String((node as { _: unknown })._);
  return '';
}

/** HADOOP_CONF_DIR, then YARN_CONF_DIR, else $HADOOP_HOME/etc/hadoop or /etc/hadoop/conf if present. */
export function hadoopConfDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = [env['HADOOP_CONF_DIR'], env['YARN_CONF_DIR']].filter((d): d is string => !!d);
  if (dirs.length) return [...new Set(dirs)];
  const fallbacks = [env['HADOOP_HOME'] ? path.join(env['HADOOP_HOME'], 'etc', 'hadoop') : undefined, '/etc/hadoop/conf'];
  return fallbacks.filter((d): d is string => !!d && fs.existsSync(path.join(d, 'yarn-site.xml'))).slice(0, 1);
}
