import { useCallFeed } from '../features/calls/use-call-feed.ts'

/** Runs the long poll; renders nothing, so a reply re-renders only this. */
export function FeedDriver({ extensions }: { extensions: readonly string[] }) {
  useCallFeed(extensions)
  return null
}
