import { QueryClientProvider } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app/app.tsx'
import { SessionGate } from './app/session-gate.tsx'
import { createQueryClient } from './app/query-client.ts'
import './index.css'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={createQueryClient()}>
      <SessionGate>
        <App />
      </SessionGate>
    </QueryClientProvider>
  </StrictMode>,
)
