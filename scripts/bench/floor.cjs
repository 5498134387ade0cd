// The floor under `status` for the bench: one TLS connection and the same
// GET requests over HTTP/2, answers read and thrown away, nothing else. Run by
// the executable's Node with a JSON file: { server, ca, cert, key, paths }.
const http2 = require('node:http2');
const { readFileSync } = require('node:fs');

const target = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const pem = (base64) => Buffer.from(base64, 'base64');
const session = http2.connect(target.server, {
  ca: pem(target.ca),
  cert: pem(target.cert),
  key: pem(target.key),
});
let open = target.paths.length;
for (const path of target.paths) {
  const stream = session.request({ ':path': path, accept: 'application/json' });
  stream.resume();
  stream.on('end', () => {
    if (--open === 0) session.close();
  });
}
