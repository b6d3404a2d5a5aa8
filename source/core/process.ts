import type {Child, ExitStatus} from '../io/spawn.js';
import type {OutputSource} from '../io/redirector.js';
import type {LineRing} from '../io/line-buffer.js';
import type {RawTail} from '../io/raw-tail.js';
import type {TimerHandle} from './clock.js';

/** Why procui asked a process to stop; undefined while nobody asked. */
export type StopReason = 'stop' | 'scale' | 'max_age' | 'restart' | 'flapping' | 'kill' | 'quit';

/**
One spawned process. It is running until its exit is observed, and finished once it has exited
AND its output is drained; only then does it leave its watcher.
*/
export type ProcessRecord = {
	readonly pid: number;
	readonly wid: number;
	/** Unique per spawn; events from an older instance carry an older generation and are dropped. */
	readonly generation: number;
	/** The clock's now() at spawn. */
	readonly startedAt: number;
	/** max_age deadline (ms), or undefined. */
	readonly expiresAt: number | undefined;
	readonly child: Child;
	readonly source: OutputSource;
	readonly ring: LineRing;
	/** The newest raw output of a PTY process (undefined in pipe mode), for a terminal emulator. */
	readonly rawTail: RawTail | undefined;
	/** Set when procui asked it to stop. */
	stopReason: StopReason | undefined;
	exit: ExitStatus | undefined;
	drained: boolean;
	/** procui-exec has exec'ed the program (its error pipe closed without a report). */
	execed: boolean;
	/** Timer that escalates to SIGKILL. */
	killTimer: TimerHandle | undefined;
};

/** Circus's exit_code: the code, or minus the signal number. */
export function exitCode(status: ExitStatus): number {
	return status.signal ? -status.signal : status.code ?? 0;
}

/** "exit status 1", "killed by signal 9 (SIGKILL)". */
export function describeExit(status: ExitStatus, signalName: (signal: number) => string): string {
	return status.signal ? `killed by signal ${status.signal} (${signalName(status.signal)})` : `exit status ${status.code ?? 0}`;
}

export function isRunning(record: ProcessRecord): boolean {
	return record.exit === undefined && record.stopReason === undefined;
}
