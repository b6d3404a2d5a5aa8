import fs from 'node:fs';
import {childrenOf, hasChildrenLists} from './proc-children.js';
import {readProcFile} from './proc-files.js';

type Entry = {
	readonly pid: number;
	readonly ppid: number;
	readonly group: number;
};

/** A live process's parent and process group, from /proc/PID/stat; undefined for a zombie or one gone. */
function entryOf(pid: number, procRoot: string): Entry | undefined {
	const stat = readProcFile(`${procRoot}/${pid}/stat`, true);
	if (stat === undefined) {
		return undefined;
	}

	// After the command name (in parentheses, which may hold spaces): state, ppid, pgrp.
	const [state, ppid, group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return state === 'Z' ? undefined : {pid, ppid: Number(ppid), group: Number(group)};
}

/** Every live process's parent and process group, from /proc/PID/stat (zombies left out): for a
kernel without children lists. */
function processTable(procRoot: string): Entry[] {
	const table: Entry[] = [];
	for (const name of fs.readdirSync(procRoot)) {
		const pid = Number(name);
		if (!Number.isInteger(pid) || pid <= 0) {
			continue;
		}

		const entry = entryOf(pid, procRoot);
		if (entry !== undefined) {
			table.push(entry);
		}
	}

	return table;
}

/**
The descendants of `pid` (children, grandchildren, ...) that are not in the process group `pid`
leads: the ones a signal to that group misses, because they called `setsid` or `setpgid`. Parents
first. A descendant whose parent has exited has been reparented and is no longer found here.
*/
export function descendantsOutsideGroup(pid: number, procRoot = '/proc'): number[] {
	if (!hasChildrenLists(procRoot)) {
		return scannedOutsideGroup(pid, procRoot);
	}

	// From the kernel's children lists: what this tree has costs, not every process on the machine.
	const found: number[] = [];
	const seen = new Set<number>([pid]);
	let level: readonly number[] = [pid];
	while (level.length > 0) {
		const next: number[] = [];
		for (const parent of level) {
			for (const child of childrenOf(parent, 0, procRoot)) {
				const entry = seen.has(child) ? undefined : entryOf(child, procRoot);
				seen.add(child);
				if (entry !== undefined) {
					if (entry.group !== pid) {
						found.push(child);
					}

					next.push(child);
				}
			}
		}

		level = next;
	}

	return found;
}

/** descendantsOutsideGroup from a scan of every process. */
function scannedOutsideGroup(pid: number, procRoot: string): number[] {
	const children = new Map<number, Entry[]>();
	for (const entry of processTable(procRoot)) {
		const siblings = children.get(entry.ppid);
		if (siblings) {
			siblings.push(entry);
		} else {
			children.set(entry.ppid, [entry]);
		}
	}

	const found: number[] = [];
	const queue = [pid];
	for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
		for (const child of children.get(next) ?? []) {
			if (child.group !== pid) {
				found.push(child.pid);
			}

			queue.push(child.pid);
		}
	}

	return found;
}

/** `stop_children`: send `signal` to each descendant of `pid` outside its group. Returns the pids
signalled. */
export function signalDescendants(pid: number, signal: number): number[] {
	const signalled: number[] = [];
	for (const descendant of descendantsOutsideGroup(pid)) {
		try {
			process.kill(descendant, signal);
			signalled.push(descendant);
		} catch {
			// Gone meanwhile.
		}
	}

	return signalled;
}
