/**
 * A real, tiny file system for disk-full tests: a tmpfs of a given size, mounted for one test and
 * unmounted after it. Mounting needs root (CI containers run as root); where it is refused, the
 * tests that need it are skipped and say why (see `canMountSmallDisk`).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

function mount(size: string): string {
  const directory = mkdtempSync(join(tmpdir(), 'powerflow-small-disk-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', directory], {
      stdio: 'ignore',
    })
  } catch (error) {
    rmSync(directory, { recursive: true, force: true })
    throw error
  }
  return directory
}

function unmount(directory: string): void {
  execFileSync('umount', [directory], { stdio: 'ignore' })
  rmSync(directory, { recursive: true, force: true })
}

/** Whether this machine lets the tests mount a tmpfs (root, and `mount` allowed). */
export const canMountSmallDisk: boolean = (() => {
  try {
    unmount(mount('64k'))
    return true
  } catch {
    return false
  }
})()

/** Runs `body` with a directory on a fresh tmpfs of `size` (such as `'256k'`), then removes it. */
export async function withSmallDisk<T>(
  size: string,
  body: (directory: string) => Promise<T>,
): Promise<T> {
  const directory = mount(size)
  try {
    return await body(directory)
  } finally {
    unmount(directory)
  }
}
