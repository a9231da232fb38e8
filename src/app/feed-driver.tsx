import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useMemo } from 'react'
import { announce, startTabSync, unionOf, useTabs } from '../features/calls/tab-sync.ts'
import { retryFeed, useCallFeed } from '../features/calls/use-call-feed.ts'

/** Runs the long poll (in the leading tab); renders nothing, so a reply re-renders only this. */
export function FeedDriver({ extensions }: { extensions: readonly string[] }) {
  const client = useQueryClient()
  useEffect(() => startTabSync(() => retryFeed(client)), [client])
  const key = extensions.join(',')
  useEffect(() => announce(key ? key.split(',') : []), [key])
  const isLeader = useTabs((s) => s.isLeader)
  const lists = useTabs((s) => s.lists)
  const union = useMemo(() => unionOf(extensions, lists), [extensions, lists])
  useCallFeed(union, isLeader)
  return null
}
