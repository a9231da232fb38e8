/** Stopped: a pause mark drawn, not an emoji (no emoji font on many kiosks). */
export function PauseIcon({ className = '' }: { className?: string }) {
  return (
    <svg aria-hidden="true" viewBox="0 0 16 16" className={`inline-block size-[0.9em] align-[-0.1em] ${className}`}>
      <rect x="3.5" y="2.5" width="3" height="11" rx="0.5" fill="currentColor" />
      <rect x="9.5" y="2.5" width="3" height="11" rx="0.5" fill="currentColor" />
    </svg>
  )
}
