// The machine's floor for a fan-out (npm run bench:server): a bare node:http server holding every poll and
// answering them all at once with one body built in advance — no feed, no Fastify, no headers but the
// body's own. GET /fire answers; its reply lists, for each poll, when `end` returned (ms after /fire arrived).
import http from 'node:http'

let held = []
let seq = 1
const server = http.createServer((req, res) => {
  if (req.method === 'POST') return void held.push(res)
  const url = new URL(req.url ?? '/', 'http://floor')
  if (url.pathname === '/held') return res.end(String(held.length))
  if (url.pathname !== '/fire') return res.end('{}')
  const t0 = performance.now()
  const call = { uniqueCallId: `floor.${seq}`, status: 'Ringing', callerId: url.searchParams.get('marker') ?? '' }
  const body = JSON.stringify({ Data: { all: [{ CallData: call }] }, seq: ++seq, Code: 0 })
  const list = held
  held = []
  const at = []
  for (const r of list) {
    r.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
    r.end(body)
    at.push(performance.now() - t0)
  }
  res.end(JSON.stringify(at))
})
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`))
process.on('SIGTERM', () => process.exit(0))
