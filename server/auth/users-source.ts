// The users file as the server sees it now: re-read when it changes (fs.watch on its folder, which survives the
// CLI's rename, plus a periodic stat for filesystems where watch is silent). A bad change keeps the last good rights.
import { watch, type FSWatcher } from 'node:fs'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { readUsersFile, type Users } from './users-file.ts'

interface Log {
  info(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

/** What identifies one version of the file; a change in any is a change (a rename swaps the inode). */
const stamp = async (file: string) => {
  try {
    const s = await stat(file)
    return `${s.ino}:${s.size}:${s.mtimeMs}`
  } catch {
    return 'missing'
  }
}

export class UsersSource {
  private watcher: FSWatcher | undefined
  private timer: NodeJS.Timeout | undefined
  private debounce: NodeJS.Timeout | undefined
  private reading: Promise<void> = Promise.resolve()
  private closed = false

  private constructor(
    readonly file: string,
    private users: Users,
    private seen: string,
    private readonly log: Log,
    private readonly onChange?: (users: Users) => void,
  ) {}

  /** Reads the file once; throws one clear line when it is missing or invalid (the server must not start). */
  static async open(
    file: string,
    log: Log,
    intervalMs = 2000,
    onChange?: (users: Users) => void,
  ): Promise<UsersSource> {
    const seen = await stamp(file)
    const src = new UsersSource(file, await readUsersFile(file), seen, log, onChange)
    src.start(intervalMs)
    return src
  }

  get current(): Users {
    return this.users
  }

  private start(intervalMs: number) {
    const name = path.basename(this.file)
    try {
      this.watcher = watch(path.dirname(this.file), (_event, changed) => {
        if (!changed || changed.toString() === name) this.soon()
      })
      this.watcher.on('error', () => undefined)
    } catch {
      // No watch on this filesystem: the periodic stat still notices.
    }
    this.timer = setInterval(() => this.soon(0), intervalMs)
    this.timer.unref()
  }

  /** Editors write in bursts; read once things settle. */
  private soon(delayMs = 50) {
    if (this.closed) return
    clearTimeout(this.debounce)
    this.debounce = setTimeout(() => void this.check(), delayMs)
    this.debounce.unref()
  }

  /** Re-read if the file changed since the last read (one read at a time). */
  check(): Promise<void> {
    this.reading = this.reading.then(async () => {
      const now = await stamp(this.file)
      if (now === this.seen || this.closed) return
      this.seen = now
      try {
        this.users = await readUsersFile(this.file)
        this.log.info({ users: this.users.data.users.length }, 'users file re-read')
      } catch (e) {
        this.log.error({ err: (e as Error).message }, 'users file rejected; keeping the last good rights')
        return
      }
      this.onChange?.(this.users)
    })
    return this.reading
  }

  close() {
    this.closed = true
    this.watcher?.close()
    clearInterval(this.timer)
    clearTimeout(this.debounce)
  }
}
