// Where the e2e suite's servers listen: one E2E_PORT per engineer, the others derived from it unless set.
export const PORT = Number(process.env.E2E_PORT ?? 5199)
/** The PBX simulator's own HTTP port (its /__sim controls): scripts/e2e-server.mjs starts it. */
export const SIM_PORT = Number(process.env.E2E_SIM_PORT ?? PORT + 300)
/** The dev server (`npm run dev`) for the `dev` project: local developer mode, /__sim through the server. */
export const DEV_PORT = Number(process.env.E2E_DEV_PORT ?? PORT + 200)

export const BASE_URL = `http://127.0.0.1:${PORT}`
export const SIM_URL = `http://127.0.0.1:${SIM_PORT}`
export const DEV_URL = `http://127.0.0.1:${DEV_PORT}`
