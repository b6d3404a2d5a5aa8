import fs from 'node:fs';
import type {IssueList} from './issues.js';
import type {WatcherConfig} from './types.js';

/** Descriptors the supervisor holds per running process: a PTY pair, or a stdout and a stderr pipe. */
const descriptorsPerProcess = 2;

/** Descriptors the supervisor needs besides its children's: its socket, logs, /proc reads. */
const ownDescriptors = 64;

/** The soft limits that bound how many processes one supervisor can run, when known. */
type ProcessLimits = {
	/** RLIMIT_NOFILE (`ulimit -n`). */
	readonly nofile?: number;
	/** RLIMIT_NPROC (`ulimit -u`): processes of this user, all programs counted. Not enforced for root. */
	readonly nproc?: number;
};

/** This process's soft limits, from /proc/self/limits (the supervisor's own, when it is the one loading). */
export function ownLimits(): ProcessLimits {
	let text = '';
	try {
		text = fs.readFileSync('/proc/self/limits', 'utf8');
	} catch {
		return {};
	}

	const soft = (row: string): number | undefined => {
		const value = text.split('\n').find(line => line.startsWith(row))?.slice(row.length).trim().split(/\s+/)[0];
		return value === undefined || !/^\d+$/.test(value) ? undefined : Number(value);
	};

	const nproc = process.getuid?.() === 0 ? undefined : soft('Max processes');
	const nofile = soft('Max open files');
	return {...(nofile === undefined ? {} : {nofile}), ...(nproc === undefined ? {} : {nproc})};
}

/**
Warn when the watchers' `numprocesses`, all together, are more than the supervisor's limits allow:
each process costs it two descriptors (RLIMIT_NOFILE), and each counts against the user's
RLIMIT_NPROC. The warning goes to the largest watcher's section, since that is where to cut.
*/
export function checkCapacity(watchers: readonly WatcherConfig[], limits: ProcessLimits, issues: IssueList): void {
	const total = watchers.reduce((sum, watcher) => sum + watcher.numprocesses, 0);
	const largest = [...watchers].sort((a, b) => b.numprocesses - a.numprocesses)[0];
	if (largest === undefined || total === 0) {
		return;
	}

	const descriptors = total * descriptorsPerProcess + ownDescriptors;
	if (limits.nofile !== undefined && descriptors > limits.nofile) {
		issues.warn(largest.origin, `numprocesses: ${total} processes in all need about ${descriptors} descriptors in the supervisor, above its RLIMIT_NOFILE of ${limits.nofile} (ulimit -n); spawns will fail once it is reached`);
	}

	if (limits.nproc !== undefined && total > limits.nproc) {
		issues.warn(largest.origin, `numprocesses: ${total} processes in all, above this user's RLIMIT_NPROC of ${limits.nproc} (ulimit -u); spawns will fail once it is reached`);
	}
}
