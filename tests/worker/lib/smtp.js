// smtp.js — a real SMTP peer for the worker tests: Python's standard smtpd
// (Debian 12's python3.11), which records each envelope and message as a
// JSON line in a file under `dir`.  It offers no STARTTLS, which is how the
// "refuse to send in clear" case is tested (email.test.js); failover lands
// here (reports.test.js).
//
//   const smtp = await smtpServer(tmpDir);
//   ... smtp.url (smtp://127.0.0.1:PORT), smtp.received() -> [{from, rcpt, data}]
//   smtp.close();

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../api/lib/stack.js';

export async function smtpServer(dir) {
  const port = await freePort();
  const file = path.join(dir, `smtp-${port}.jsonl`);
  const py = `
import asyncore, json, smtpd, sys
class S(smtpd.SMTPServer):
    def process_message(self, peer, mailfrom, rcpttos, data, **kw):
        with open(sys.argv[2], 'a') as f:
            f.write(json.dumps({'from': mailfrom, 'rcpt': rcpttos,
                                'data': data.decode('latin1') if isinstance(data, bytes) else data}) + '\\n')
S(('127.0.0.1', int(sys.argv[1])), None, decode_data=False)
print('ready', flush=True)
asyncore.loop()
`;
  const child = spawn('python3', ['-W', 'ignore', '-c', py, String(port), file], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => { if (String(d).includes('ready')) resolve(); });
    child.on('exit', (c) => reject(new Error(`smtpd exited ${c}`)));
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    received: () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []),
    close: () => { child.kill('SIGTERM'); },
  };
}
