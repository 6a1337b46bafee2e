// token.js — mints an HS256 access token for `make bench` with the stack's
// own secret file, the way the module signs them (header typ "at+jwt",
// claims sub, role, iat, exp, jti, iss, aud), so GET /api/me can be
// measured without going through email.  Usage:
//   node tests/bench/token.js SECRET_FILE [valid|bad-signature] [SUB]
// Prints the token.  It never prints or logs the secret.

import crypto from 'node:crypto';
import fs from 'node:fs';

const [file, kind = 'valid', sub = '00000000-0000-4000-8000-0000000be9c4'] = process.argv.slice(2);
let secret = fs.readFileSync(file);
// the module ignores one trailing newline (and a CR before it)
if (secret.at(-1) === 0x0a) secret = secret.subarray(0, secret.at(-2) === 0x0d ? -2 : -1);

const b64 = (x) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const head = b64({ alg: 'HS256', typ: 'at+jwt' });
const body = b64({
  sub, role: 'admin', iat: now, exp: now + 3600,
  jti: crypto.randomBytes(16).toString('base64url'), iss: 'scc', aud: 'scc',
});
const mac = crypto.createHmac('sha256', secret).update(`${head}.${body}`).digest();
if (kind === 'bad-signature') mac[0] ^= 1;
process.stdout.write(`${head}.${body}.${mac.toString('base64url')}\n`);
