import { createHash, randomUUID } from 'node:crypto'
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { expect, test } from './fixtures.ts'
import { simControl } from './sim.ts'

test.beforeEach(async ({ request }) => {
  await simControl(request).reset()
})

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')

/** Does any key-like token in `text` (raw or URL-decoded) hash to `digest`? The key itself never leaves the server. */
function holdsKey(text: string, digest: string): boolean {
  let decoded = text
  try {
    decoded = decodeURIComponent(text)
  } catch {
    // Not URL-encoded as a whole; the raw text is still searched.
  }
  // Narrow tokens find the built-in PBX's UUID key; wide ones a base64-like real key.
  for (const t of [text, decoded])
    for (const re of [/[\w-]{8,}/g, /[\w.~+/=-]{8,}/g])
      for (const m of t.matchAll(re)) if (sha256(m[0]) === digest) return true
  return false
}

test('the API key is in no browser request, reply or storage; the proxy adds it to every PBX call', async ({
  page,
  request,
}) => {
  const sim = simControl(request)
  const digest = await sim.keyDigest()
  // The detector itself must be able to see a key, or the checks below prove nothing.
  const probe = randomUUID()
  expect(holdsKey(`/x?a=1&apiKey=${encodeURIComponent(probe)}`, sha256(probe))).toBe(true)
  expect(holdsKey(`{"k":"${probe}"}`, sha256(probe))).toBe(true)
  const seen: { url: string; text: string }[] = []
  const reading: Promise<unknown>[] = []
  page.on('request', (req) => {
    seen.push({ url: req.url(), text: [req.url(), JSON.stringify(req.headers()), req.postData() ?? ''].join('\n') })
  })
  page.on('response', (res) => {
    const read = Promise.all([res.allHeaders(), res.text()]).then(([h, body]) => {
      seen.push({ url: res.url(), text: `${JSON.stringify(h)}\n${body}` })
    })
    reading.push(read.catch(() => undefined))
  })

  await page.goto('/?exten=410')
  await expect(page.getByRole('status')).toHaveText('Live')
  const id = await sim.ring('410', { callerId: '0299998888' })
  const card = page.getByRole('region', { name: 'Extension 410' }).getByRole('article')
  await card.getByRole('button', { name: 'Answer' }).click()
  await expect(card).toContainText('Connected')
  await sim.status(id, 'Hungup')
  await expect(card).toContainText('Hung up')

  await Promise.all(reading)
  const pbxCalls = seen.filter((s) => s.url.includes('/api/pbx/'))
  expect(pbxCalls.length).toBeGreaterThan(2)
  for (const s of seen) {
    expect(s.url.toLowerCase(), s.url).not.toContain('apikey')
    expect(holdsKey(s.text, digest), `key in traffic of ${s.url}`).toBe(false)
  }
  const stored = await page.evaluate(
    () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie,
  )
  expect(holdsKey(stored, digest)).toBe(false)
  expect(holdsKey(await page.content(), digest)).toBe(false)

  // And yet the PBX got the right key on every call: the proxy added it.
  const logged = await sim.requests()
  expect(logged.map((r) => r.method)).toEqual(expect.arrayContaining(['subscribe', 'answer']))
  expect(new Set(logged.map((r) => r.params.apiKey))).toEqual(new Set(['<valid>']))
})

test('a production build holds no trace of the key it was built with', async () => {
  test.setTimeout(180_000)
  const key = `k-${randomUUID()}`
  const outDir = await mkdtemp(path.join(tmpdir(), 'switchboard-dist-'))
  try {
    await promisify(execFile)(
      process.execPath,
      ['node_modules/vite/bin/vite.js', 'build', '--outDir', outDir, '--emptyOutDir'],
      {
        env: {
          ...process.env,
          NOOJEE_URL: 'https://pbx.invalid',
          NOOJEE_API_KEY: key,
          SWITCHBOARD_EXTENSIONS: '400,410',
        },
      },
    )
    const files = (await readdir(outDir, { recursive: true, withFileTypes: true })).filter((f) => f.isFile())
    expect(files.some((f) => f.name.endsWith('.js'))).toBe(true)
    for (const f of files) {
      const text = await readFile(path.join(f.parentPath, f.name), 'latin1')
      expect(text.includes(key), `key in ${f.name}`).toBe(false)
      expect(text.includes(key.slice(2, 14)), `part of the key in ${f.name}`).toBe(false)
    }
    // Nor any other setting: the server reads SWITCHBOARD_EXTENSIONS when it starts (issue 22), never the build.
    const js = await Promise.all(
      files.filter((f) => f.name.endsWith('.js')).map((f) => readFile(path.join(f.parentPath, f.name), 'utf8')),
    )
    expect(js.join('\n')).not.toContain('400,410')
  } finally {
    await rm(outDir, { recursive: true, force: true })
  }
})
