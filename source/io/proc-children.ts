import fs from 'node:fs';
import {parseChildrenBytes, readProcBytes} from './proc-files.js';

/**
A process's children, from the kernel's own lists (/proc/PID/task/TID/children, one per thread:
a child is listed under the thread that forked it). Reading them costs in proportion to the tree
asked about, where finding children by every process's parent reads /proc for every process on
the machine: on a server with thousands of processes, tens of milliseconds each time, on the
supervisor's one thread. Kernels built without CONFIG_PROC_CHILDREN have no such lists; callers
then scan (see `hasChildrenLists`).
*/

/** No children: shared, as most processes have none. */
export const noChildren: readonly number[] = Object.freeze([]);

const known = new Map<string, boolean>();

/** Whether the kernel under `procRoot` lists each thread's children (checked once per root). */
export function hasChildrenLists(procRoot = '/proc'): boolean {
	let has = known.get(procRoot);
	if (has === undefined) {
		has = fs.existsSync(`${procRoot}/${process.pid}/task/${process.pid}/children`);
		known.set(procRoot, has);
	}

	return has;
}

/**
The children of `pid` (zombies included, as the kernel lists them), in pid order; none when it is
gone. `threads`: its thread count when known (1 saves listing its threads).
*/
export function childrenOf(pid: number, threads = 0, procRoot = '/proc'): readonly number[] {
	const task = `${procRoot}/${pid}/task`;
	let tids: ReadonlyArray<string | number>;
	if (threads === 1) {
		tids = [pid];
	} else {
		try {
			tids = fs.readdirSync(task);
		} catch {
			return noChildren; // Gone.
		}
	}

	const kids: number[] = [];
	for (const tid of tids) {
		const read = readProcBytes(`${task}/${tid}/children`);
		if (read !== undefined) {
			parseChildrenBytes(read, kids);
		}
	}

	return kids.length === 0 ? noChildren : kids.sort((a, b) => a - b);
}
