// prodconf.js — conf/nginx.prod.conf.example rendered for a test machine.
//
//   import { renderProdConf } from './lib/prodconf.js';
//   const text = renderProdConf({
//     dir,            // a folder of the test's: nginx.pid and logs/ go there
//     httpsPort, httpPort,   // listened on 127.0.0.1
//     pgHost,         // the test cluster's socket directory
//     jwtKey,         // a secret file (the stack's secrets/jwt.key)
//     cert, certKey,  // a PEM certificate and key made by the test
//     trustedProxy,   // the address real_ip trusts (default 127.0.0.1)
//     module,         // the .so to load_module, or null to keep Debian's
//                     // `include /etc/nginx/modules-enabled/*.conf`
//     frontend,       // the folder served (default the checkout's frontend/)
//     acme,           // the ACME challenge webroot (default dir/acme)
//   });
//
// Only what must differ on a test machine changes: the "site:" values and
// the paths nginx writes or reads.  Every other line, every directive under
// test, is the shipped one.  Each substitution must match exactly the
// number of times listed, so an edit to the example that would leave a
// production path in the test's config (or a test value in nobody's) fails
// here with the line to look at.  This interface is used by
// tests/api/prod_config.test.js and tests/deploy/install.test.js.

import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './stack.js';

export const PROD_CONF = path.join(ROOT, 'conf/nginx.prod.conf.example');

export function renderProdConf({
  dir, httpsPort, httpPort, pgHost, jwtKey, cert, certKey,
  trustedProxy = '127.0.0.1', module = path.join(ROOT, 'build/ngx_http_scc_module.so'),
  frontend = path.join(ROOT, 'frontend'), acme = path.join(dir, 'acme'),
}) {
  const subs = [
    ['pid /run/nginx.pid;', `pid ${dir}/nginx.pid;`],
    ['error_log /var/log/nginx/error.log warn;', `error_log ${dir}/logs/error.log warn;`],
    ['access_log /var/log/nginx/scc.access.log scc_json;', `access_log ${dir}/logs/access.log scc_json;`],
    ['scc_pg "host=/var/run/postgresql dbname=scc user=scc_web";',
      `scc_pg "host=${pgHost} dbname=scc user=scc_web";`],
    ['scc_jwt_secret_file /etc/scc/nginx/jwt.key;', `scc_jwt_secret_file ${jwtKey};`],
    ['scc_public_origin "https://scc.example.org";', `scc_public_origin "https://localhost:${httpsPort}";`],
    ['set_real_ip_from 10.0.0.0/8;', `set_real_ip_from ${trustedProxy};`],
    ['listen 80;', `listen 127.0.0.1:${httpPort};`],
    ['listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`],
    ['ssl_certificate     /etc/ssl/scc/fullchain.pem;', `ssl_certificate     ${cert};`],
    ['ssl_certificate_key /etc/ssl/scc/privkey.pem;', `ssl_certificate_key ${certKey};`],
    ['root /usr/share/scc/frontend;', `root ${frontend};`],
    ['root /var/www/acme;', `root ${acme};`],
  ];
  if (module) {
    subs.push(['include /etc/nginx/modules-enabled/*.conf;', `load_module ${module};`]);
  }
  let text = fs.readFileSync(PROD_CONF, 'utf8');
  for (const [from, to] of subs) {
    const n = text.split(from).length - 1;
    if (n !== 1) {
      throw new Error(`prodconf: "${from}" appears ${n} times in conf/nginx.prod.conf.example (expected once)`);
    }
    text = text.replace(from, () => to);
  }
  return text;
}

/** Write the rendered config to dir/nginx.conf (and dir/logs/); returns its path. */
export function writeProdConf(opts) {
  fs.mkdirSync(path.join(opts.dir, 'logs'), { recursive: true });
  const file = path.join(opts.dir, 'nginx.conf');
  fs.writeFileSync(file, renderProdConf(opts));
  return file;
}
