/**
 * Secure by default. Where the driver launches or authorizes its own executors (every
 * CoarseGrainedSchedulerBackend), it turns authentication on with a fresh per-application
 * secret unless the user configured one or set kindling.authenticate=false. Spark does the same
 * on YARN and Kubernetes (SecurityManager.initializeAuth). Launchers hand the secret to their
 * executors in the environment (KINDLING_AUTH_SECRET) only; a cluster-wide secret is needed only
 * between daemons.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import type { KindlingConf } from '../conf/kindling-conf.js';
import { ConfigError } from '../errors.js';

export const AUTHENTICATE_KEY = 'kindling.authenticate';
export const SECRET_KEY = 'kindling.authenticate.secret';
export const SECRET_FILE_KEY = 'kindling.authenticate.secret.file';
export const SECRET_ENV = 'KINDLING_AUTH_SECRET';

/** Generated secrets, by the conf of the application they belong to; never in the conf itself. */
const appSecrets = new WeakMap<KindlingConf, string>();

/**
 * Called by the driver's backend before it listens: with kindling.authenticate unset, generates
 * a 256-bit secret for this application and turns authentication on. Returns how it was decided.
 */
export function secureByDefault(conf: KindlingConf): 'generated' | 'configured' | 'off' {
  if (appSecrets.has(conf)) return 'generated';
  if (!conf.has(AUTHENTICATE_KEY)) {
    appSecrets.set(conf, randomBytes(32).toString('base64url'));
    // Executors read the app config: it tells them to authenticate, with the secret from their environment.
    conf.set(AUTHENTICATE_KEY, 'true');
    return 'generated';
  }
  return conf.getBoolean(AUTHENTICATE_KEY, false) ? 'configured' : 'off';
}

/**
 * The secret when kindling.authenticate is true: the application's generated one, else
 * KINDLING_AUTH_SECRET, else the file kindling.authenticate.secret.file, else
 * kindling.authenticate.secret (which kindling-submit --conf would show in `ps`: discouraged).
 */
export function authenticationSecret(conf: KindlingConf): string | undefined {
  if (!conf.getBoolean(AUTHENTICATE_KEY, false)) return undefined;
  const generated = appSecrets.get(conf);
  if (generated) return generated;
  const fromEnv = process.env[SECRET_ENV];
  if (fromEnv) return fromEnv;
  const file = conf.get(SECRET_FILE_KEY);
  if (file) return readSecretFile(file);
  const fromConf = conf.get(SECRET_KEY);
  if (fromConf) return fromConf;
  throw new ConfigError(
    `${AUTHENTICATE_KEY} is true but no secret is set; put it in the environment (${SECRET_ENV}) or in a file ` +
      `readable only by you (${SECRET_FILE_KEY}=/path/to/secret), or remove ${AUTHENTICATE_KEY} to let the driver ` +
      'generate one for its own executors',
  );
}

function readSecretFile(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(
      `${SECRET_FILE_KEY}: cannot read '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}; ` +
        'create the file (mode 600) or point the key at an existing one',
    );
  }
  const secret = text.replace(/\r?\n$/, '');
  if (secret.length === 0) {
    throw new ConfigError(`${SECRET_FILE_KEY}: '${file}' is empty; write the shared secret into it`);
  }
  warnIfReadableByOthers(file);
  return secret;
}

const warnedFiles = new Set<string>();

function warnIfReadableByOthers(file: string): void {
  if (process.platform === 'win32' || warnedFiles.has(file)) return;
  try {
    if ((fs.statSync(file).mode & 0o077) !== 0) {
      warnedFiles.add(file);
      process.emitWarning(
        `${SECRET_FILE_KEY} '${file}' can be read by other users; restrict it with chmod 600`,
        'KindlingSecurityWarning',
      );
    }
  } catch {
    // it was readable a moment ago; the read already succeeded
  }
}

/**
 * Says that authentication is off, with the risk and the fix. The driver and daemons call it
 * once, when they start listening (never per connection).
 */
export function warnIfAuthenticationOff(secret: string | undefined, component: string, address: string): void {
  if (secret !== undefined) return;
  process.emitWarning(
    `Authentication is off for the ${component} at ${address} (kindling.authenticate=false). Anyone who can reach ` +
      'that port (any local user; any host if it is not bound to loopback) can pose as an executor: read the app ' +
      'config, fetch stage plans with your functions and data, and forge task results. Fix: remove ' +
      'kindling.authenticate=false (the driver then generates a per-application secret for its executors), or set ' +
      `kindling.authenticate=true with the secret in ${SECRET_ENV} or ${SECRET_FILE_KEY}.`,
    'KindlingSecurityWarning',
  );
}
