import { ErrorCode, IsoKitError } from '../errors/index.js';

/** What every command gets: output streams, TTY facts, and the abort signal wired to SIGINT/SIGTERM. */
export interface CliContext {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  /** set when stdout is the process's descriptor 1 (a command may write to it directly) */
  stdoutFd?: number;
}

export type CommandRun = (argv: string[], ctx: CliContext) => Promise<number>;
export interface CommandModule {
  run: CommandRun;
  /** One-line summary for `isokit help`. */
  summary: string;
  /** Full usage text for `isokit help CMD` / `CMD --help`. */
  usage: string;
}

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends IsoKitError {
  constructor(message: string) {
    super(ErrorCode.INVALID_ARGUMENT, message);
    this.name = 'UsageError';
  }
}

/** Exit codes (README "Exit codes"). */
export const Exit = {
  OK: 0,
  FAILED: 1,
  USAGE: 2,
  CHECK_FAILED: 3,
  INTERRUPTED: 130,
} as const;
