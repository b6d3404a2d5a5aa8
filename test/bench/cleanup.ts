/**
Every process a benchmark starts is registered here by pid, and killed by pid (its process group
when it leads one) if the workload ends without stopping it: on failure, on a timeout, on Ctrl-C.
Nothing is found or killed by name.
*/
import {isAlive} from './procfs.js';

/** How to kill a registered process at once: by default SIGKILL to its process group. */
type Kill = () => void;

const entries = new Map<number, Kill>();

/** Register a process (leading its own process group, unless `kill` says otherwise) to kill if the benchmark does not stop it itself. */
export function track(pid: number, kill: Kill = () => {
	killGroup(pid);
}): void {
	entries.set(pid, kill);
}

/** The process was stopped and reaped by its owner. */
export function untrack(pid: number): void {
	entries.delete(pid);
}

/** SIGKILL one process group (or the single pid); quiet when it is already gone. */
export function killGroup(pid: number): void {
	try {
		process.kill(-pid, 'SIGKILL');
	} catch {
		try {
			process.kill(pid, 'SIGKILL');
		} catch {
			// Gone already.
		}
	}
}

/** SIGKILL everything still registered. Synchronous, so a signal handler can call it. */
export function killAllTracked(): void {
	for (const kill of entries.values()) {
		kill();
	}

	entries.clear();
}

/** The registered processes that are still alive (for the final check that nothing is left behind). */
export function survivors(): number[] {
	return [...entries.keys()].filter(pid => isAlive(pid));
}

/** Wait until `pid` is gone (or a zombie), up to `timeoutMs`; true when it went. */
export async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (isAlive(pid)) {
		if (Date.now() > deadline) {
			return false;
		}

		await sleep(20);
	}

	return true;
}

/** Wait for `promise`, at most `ms`; true when it settled in time. The timer does not outlive the wait. */
export async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
	let timer: NodeJS.Timeout | undefined;
	try {
		return await Promise.race([promise.then(() => true), new Promise<boolean>(resolve => {
			timer = setTimeout(() => {
				resolve(false);
			}, ms);
		})]);
	} finally {
		clearTimeout(timer);
	}
}

export async function sleep(ms: number): Promise<void> {
	await new Promise(resolve => setTimeout(resolve, ms));
}
