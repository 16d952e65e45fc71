import { createHash, randomBytes } from 'node:crypto';

/** RFC 2831 DIGEST-MD5 client (qop=auth only), as Hadoop's TOKEN SASL uses it. */
export interface DigestChallenge {
  realm?: string;
  nonce: string;
  qop: string[];
  charset?: string;
  algorithm?: string;
}

export function parseDigestChallenge(challenge: string): DigestChallenge {
  const fields: Record<string, string> = {};
  const re = /\s*([a-zA-Z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,]*))\s*,?/g;
  for (let m = re.exec(challenge); m; m = re.exec(challenge)) {
    fields[m[1]!.toLowerCase()] = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
  }
  if (!fields['nonce']) throw new Error(`DIGEST-MD5 challenge without a nonce: ${challenge}`);
  return { realm: fields['realm'], nonce: fields['nonce'], qop: (fields['qop'] ?? 'auth').split(',').map((s) => s.trim()), charset: fields['charset'], algorithm: fields['algorithm'] };
}

export interface DigestResponseInput {
  username: string;
  password: string;
  realm: string;
  nonce: string;
  cnonce: string;
  digestUri: string;
  nc?: string;
  qop?: string;
  authzid?: string;
}

const md5 = (data: Buffer | string) => createHash('md5').update(data).digest();
const hex = (b: Buffer) => b.toString('hex');

/** The `response` value of RFC 2831 section 2.1.2.1 (algorithm md5-sess). */
export function digestResponseValue(i: DigestResponseInput, prefix = 'AUTHENTICATE'): string {
  const nc = i.nc ?? '00000001';
  const qop = i.qop ?? 'auth';
  const a1Parts: Buffer[] = [md5(`${i.username}:${i.realm}:${i.password}`), Buffer.from(`:${i.nonce}:${i.cnonce}`)];
  if (i.authzid) a1Parts.push(Buffer.from(`:${i.authzid}`));
  const ha1 = hex(md5(Buffer.concat(a1Parts)));
  const ha2 = hex(md5(`${prefix}:${i.digestUri}`));
  return hex(md5(`${ha1}:${i.nonce}:${nc}:${i.cnonce}:${qop}:${ha2}`));
}

/** The client's full digest-response for a challenge (the SASL INITIATE token). */
export function digestResponse(challenge: DigestChallenge, username: string, password: string, digestUri: string, cnonce = randomBytes(12).toString('base64')): string {
  if (!challenge.qop.includes('auth')) {
    throw new Error(`The server offers SASL qop ${challenge.qop.join(',')} only; Kindling supports qop=auth (hadoop.rpc.protection=authentication), not integrity or privacy`);
  }
  const realm = challenge.realm ?? '';
  const response = digestResponseValue({ username, password, realm, nonce: challenge.nonce, cnonce, digestUri });
  const q = (s: string) => `"${s.replace(/(["\\])/g, '\\$1')}"`;
  return [
    `charset=utf-8`,
    `username=${q(username)}`,
    `realm=${q(realm)}`,
    `nonce=${q(challenge.nonce)}`,
    `nc=00000001`,
    `cnonce=${q(cnonce)}`,
    `digest-uri=${q(digestUri)}`,
    `maxbuf=65536`,
    `response=${response}`,
    `qop=auth`,
  ].join(',');
}
