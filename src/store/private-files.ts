// A data directory and the files in it are private to the user who runs the server (DESIGN.md
// "store": 0600 and 0700): the database holds every key sealed under a domain key that the built-in
// secret may be protecting, and the TLS private key is in the clear. Whoever made the folder, it is
// made 0700 and its files 0600; what was open to others before is reported, so that the server can
// warn at start.
import { accessSync, chmodSync, constants, existsSync, mkdirSync, statSync } from "node:fs";

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Makes `dir` (and any missing parent) 0700, or makes an existing one 0700. Returns a warning for each
 * thing that was open to other users, or that could not be closed.
 */
export function securePrivateDir(dir: string, what = "data directory"): string[] {
  if (!existsSync(dir)) {
    try {
      mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new Error(`the ${what} ${dir} cannot be created: its parent is not writable by this user (${code})`);
    }
    // mkdir's mode goes through the umask, which may only remove bits: set it exactly.
    chmodSync(dir, PRIVATE_DIR_MODE);
    return [];
  }
  const st = statSync(dir);
  if (!st.isDirectory()) throw new Error(`the ${what} ${dir} is not a directory`);
  return tighten(dir, st.mode & 0o777, PRIVATE_DIR_MODE, `the ${what} ${dir}`);
}

/** Makes an existing file 0600; a warning if it was open to others (or stays so). Nothing if it is missing. */
export function securePrivateFile(file: string): string[] {
  if (!existsSync(file)) return [];
  return tighten(file, statSync(file).mode & 0o777, PRIVATE_FILE_MODE, file);
}

function tighten(path: string, mode: number, wanted: number, label: string): string[] {
  if ((mode & 0o077) === 0) return [];
  try {
    chmodSync(path, wanted);
  } catch (err) {
    return [`${label} is readable by other users (mode ${octal(mode)}) and could not be made ${octal(wanted)}: ${(err as Error).message}`];
  }
  return [`${label} was readable by other users (mode ${octal(mode)}); it is now ${octal(wanted)}`];
}

/** Throws a message that says what to do when `dir` cannot be written (SQLite would only say "disk I/O error"). */
export function assertWritableDir(dir: string, why: string): void {
  try {
    accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new Error(`the data directory ${dir} is not writable by this user (${(err as NodeJS.ErrnoException).code}): ${why}`);
  }
}

function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, "0")}`;
}
