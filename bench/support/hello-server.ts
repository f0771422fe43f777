/** The baseline: a bare Express hello-world, nothing else, on the port given as argument. */
import express from 'express';

const app = express();
app.get('/hello', (_req, res) => void res.json({ hello: 'world' }));
// The callbacks baseline: a bare route that parses a JSON body and acknowledges it.
app.post('/callback', express.json(), (req, res) => void res.json({ received: req.body !== undefined }));
const server = app.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : ''}\n`);
});
