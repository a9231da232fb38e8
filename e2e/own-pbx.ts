// A spec's own simulated PBX for the server it starts: `npm start` serves no /__sim (the built-in simulator's
// controls are the dev server's only), so a spec that rings calls runs the simulator as its PBX, as the
// e2e launcher (scripts/e2e-server.mjs) does, and drives it on its own port.
import { randomBytes } from 'node:crypto'
import { startSimServer, type SimServer } from '../sim/sim-server.ts'

export async function ownPbx(): Promise<{ pbx: SimServer; env: Record<string, string> }> {
  const apiKey = randomBytes(18).toString('base64url')
  const pbx = await startSimServer({ apiKey, demo: false })
  return { pbx, env: { NOOJEE_URL: pbx.url, NOOJEE_API_KEY: apiKey, NOOJEE_API_KEY_FILE: '' } }
}
