/**
 * Progress lines for long transfers: files and bytes done, printed when a tenth more is done
 * (at most twice a second) or a couple of seconds have passed, and once at the end, so a log
 * shows movement without noise.
 */
import { formatBytes } from '../text.js'

export class Progress {
  private files = 0
  private bytes = 0
  private lastPrinted: number
  private lastTenth = 0

  constructor(
    private readonly verb: string,
    private readonly totalFiles: number,
    private readonly totalBytes: number,
    private readonly print: (line: string) => void,
    private readonly now: () => number = Date.now,
    private readonly intervalMs = 2000
  ) {
    this.lastPrinted = now()
  }

  add(files: number, bytes: number): void {
    this.files += files
    this.bytes += bytes
    const fraction = this.totalBytes > 0 ? this.bytes / this.totalBytes : this.totalFiles > 0 ? this.files / this.totalFiles : 1
    const tenth = Math.floor(Math.min(1, fraction) * 10)
    const done = this.files >= this.totalFiles
    const time = this.now()
    const elapsed = time - this.lastPrinted
    if (done || (tenth > this.lastTenth && elapsed >= this.intervalMs / 4) || elapsed >= this.intervalMs) {
      this.lastTenth = Math.max(this.lastTenth, tenth)
      this.lastPrinted = time
      this.print(this.line())
    }
  }

  line(): string {
    const percent =
      this.totalBytes > 0 ? Math.floor((this.bytes / this.totalBytes) * 100) : Math.floor((this.files / Math.max(1, this.totalFiles)) * 100)
    return `${this.verb} ${this.files}/${this.totalFiles} file(s), ${formatBytes(this.bytes)} of ${formatBytes(this.totalBytes)} (${percent}%)`
  }
}
