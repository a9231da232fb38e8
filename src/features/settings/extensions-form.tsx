import { useId, useState, type FormEvent, type Ref } from 'react'
import { Button } from '../../components/ui/button.tsx'
import { parseExtensions } from './extensions.ts'

/** A text field for a list of extensions, validated on submit. */
export function ExtensionsForm({
  label,
  initial,
  onSave,
  submitLabel = 'Watch',
  inputRef,
}: {
  label: string
  initial: string[]
  onSave: (extensions: string[]) => void
  submitLabel?: string
  inputRef?: Ref<HTMLInputElement>
}) {
  const id = useId()
  const [value, setValue] = useState(initial.join(', '))
  const [error, setError] = useState<string | null>(null)
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const parsed = parseExtensions(value)
    if (!parsed.ok) return setError(parsed.error)
    setError(null)
    setValue(parsed.extensions.join(', '))
    onSave(parsed.extensions)
  }
  return (
    <form onSubmit={submit} className="flex flex-col gap-1" noValidate>
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <div className="flex gap-2">
        <input
          ref={inputRef}
          id={id}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          // Settings' one rule: a change applies; leaving the box with a valid new list is a change.
          onBlur={() => {
            const parsed = parseExtensions(value)
            if (parsed.ok && parsed.extensions.join(',') !== initial.join(',')) {
              setError(null)
              onSave(parsed.extensions)
            }
          }}
          placeholder="e.g. 400, 410, SIP/420"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          className="min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-800"
        />
        <Button type="submit" variant="primary">
          {submitLabel}
        </Button>
      </div>
      {error && (
        <p id={`${id}-error`} role="alert" className="text-sm text-red-700 dark:text-red-300">
          {error}
        </p>
      )}
    </form>
  )
}
