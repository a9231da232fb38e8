import { notifyManager, QueryClient } from '@tanstack/react-query'

// Observers hear of a change in the same task, not a setTimeout later: after a click, a timeout let the
// browser render a frame first, so "Answering…" showed a frame late (npm run bench: click → painted 27 ms).
notifyManager.setScheduler(queueMicrotask)

export function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: { refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  })
}
