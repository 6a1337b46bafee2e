// token.js — mints HS256 access tokens for `make bench` with the stack's
// own secret file, the way the module signs them (header typ "at+jwt",
// claims sub, role, iat, exp, jti, iss, aud), so routes can be measured
// without going through email.  As a command:
//   node tests/bench/token.js SECRET_FILE [valid|bad-signature] [SUB] [ROLE]
// prints one token; as a module, mint() makes them.  It never prints or
// logs the secret.

import crypto from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The secret as the module reads it: one trailing newline (and a CR before it) is not part of it. */
export function readSecret(file) {
  const secret = fs.readFileSync(file);
  return secret.at(-1) === 0x0a ? secret.subarray(0, secret.at(-2) === 0x0d ? -2 : -1) : secret;
}

const b64 = (x) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url');

/** A token for sub with role, valid for an hour; kind 'bad-signature' flips a bit of the MAC. */
export function mint(secret, { kind = 'valid', sub = '00000000-0000-4000-8000-0000000be9c4', role = 'admin' } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const head = b64({ alg: 'HS256', typ: 'at+jwt' });
  const body = b64({
    sub, role, iat: now, exp: now + 3600,
    jti: crypto.randomBytes(16).toString('base64url'), iss: 'scc', aud: 'scc',
  });
  const mac = crypto.createHmac('sha256', secret).update(`${head}.${body}`).digest();
  if (kind === 'bad-signature') mac[0] ^= 1;
  return `${head}.${body}.${mac.toString('base64url')}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, kind, sub, role] = process.argv.slice(2);
  process.stdout.write(`${mint(readSecret(file), { kind, sub, role })}\n`);
}
