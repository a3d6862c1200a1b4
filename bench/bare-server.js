// The baseline: a bare node:http server answering a constant, as SPEC §10 and issue 4 define it.
// With --read-body it first reads the request body and parses it as JSON, as any handler of a
// POST must: a second reference for the SMS path, which says how much of the distance to the bare
// server is node's body stream and JSON.parse rather than octo.
import { createServer } from 'node:http';

const body = Buffer.from('{"ok":true}');
const readBody = process.argv.includes('--read-body');
const answer = (res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
};
const server = createServer((req, res) => {
  if (!readBody) return answer(res);
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    JSON.parse(Buffer.concat(chunks).toString('utf8'));
    answer(res);
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  process.stdout.write(`http://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
