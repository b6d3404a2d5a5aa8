import type {ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import {createRequire} from 'node:module';
import {processGroup, startTime, stillRunning, type ProcessMark} from './state-file.js';
import {nativeAddonFile} from './native-addon.js';
import {childrenOf, hasChildrenLists} from './proc-children.js';

/**
Descendants the supervisor adopts. As a child subreaper (Linux's PR_SET_CHILD_SUBREAPER), the
supervisor becomes the parent of any descendant whose own parent exits: a grandchild that
`setsid`s away from its watcher's process group is still found, stopped and reaped. Node has no
API for this, so a small Node-API addon (native/procui-reaper.c, built by `npm run build`) makes
the three calls.

Node reaps only the children it spawned, one pid at a time; an adopted child it never spawned would
stay a zombie. The reaper peeks at exited children without reaping them (waitid WNOWAIT) and reaps
only pids that procui did not spawn (every spawn goes through `trackChild`, or `trackPid` for the
children procui-spawn starts and reaps itself), so no spawner ever loses an exit status it is
waiting for.
*/

/** The environment variable that names a child's watcher; its descendants inherit it. */
export const watcherVariable = 'PROCUI_WATCHER';

type Addon = {
	subreaper(): boolean;
	peek(): number;
	reap(pid: number): boolean;
};

let addon: Addon | undefined;
let enabled = false;
const nodeChildren = new Set<number>();

/** A child procui spawned without Node (procui-spawn): its spawner reaps it, the reaper must
never. Call the returned function once it is reaped. */
export function trackPid(pid: number): () => void {
	nodeChildren.add(pid);
	return () => {
		nodeChildren.delete(pid);
	};
}

/** A child Node spawned: Node reaps it, the reaper must never. */
export function trackChild(child: ChildProcess): void {
	const pid = child.pid;
	if (pid !== undefined) {
		nodeChildren.add(pid);
		// 'exit' comes after Node has reaped it.
		child.once('exit', () => {
			nodeChildren.delete(pid);
		});
	}
}

function loadAddon(): Addon | undefined {
	const file = nativeAddonFile('procui-reaper');
	return file === undefined ? undefined : createRequire(import.meta.url)(file) as Addon;
}

/** Become a child subreaper and reap adopted children as they exit. Returns why not, or undefined
when it worked. Only for a process whose every child is spawned through `trackChild` or `trackPid`
(the daemon). */
export function becomeSubreaper(): string | undefined {
	if (enabled) {
		return undefined;
	}

	try {
		addon = loadAddon();
	} catch (error) {
		return `procui-reaper could not be loaded: ${error instanceof Error ? error.message : String(error)}`;
	}

	if (!addon) {
		return 'procui-reaper.node is missing (built by `npm run build` when Node\'s headers are installed)';
	}

	if (!addon.subreaper()) {
		return 'prctl(PR_SET_CHILD_SUBREAPER) failed';
	}

	enabled = true;
	process.on('SIGCHLD', scheduleReap);
	return undefined;
}

let reapScheduled = false;

function scheduleReap(): void {
	if (!reapScheduled) {
		reapScheduled = true;
		setImmediate(() => {
			reapScheduled = false;
			reapAdopted();
		});
	}
}

/** Reap every exited adopted child. A child of Node's own stops the look (Node reaps it in this
same turn), so another look follows shortly. Every exit raises SIGCHLD and each look goes on until
none is left, so nothing polls: an idle supervisor is not woken for this. */
function reapAdopted(): void {
	if (!enabled || !addon) {
		return;
	}

	for (;;) {
		const pid = addon.peek();
		if (pid <= 0) {
			return;
		}

		if (nodeChildren.has(pid) || !addon.reap(pid)) {
			setTimeout(scheduleReap, 100).unref();
			return;
		}
	}
}

/** Alive children of the supervisor it did not spawn (so adopted), whose environment names
`watcher`: the descendants of that watcher's processes that outlived their parents. */
export function adoptedOf(watcher: string): ProcessMark[] {
	if (!enabled) {
		return [];
	}

	const wanted = Buffer.from(`\0${watcherVariable}=${watcher}\0`);
	const found: ProcessMark[] = [];
	// Its own children from the kernel's lists (the adopted are among them): a scan of every
	// process on the machine only without those lists.
	const candidates = hasChildrenLists() ? childrenOf(process.pid) : fs.readdirSync('/proc').map(Number);
	for (const pid of candidates) {
		if (!Number.isInteger(pid) || pid <= 0 || nodeChildren.has(pid)) {
			continue;
		}

		try {
			const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			// fields[1] is field 4, the parent pid.
			if (Number(fields[1]) !== process.pid || fields[0] === 'Z') {
				continue;
			}

			// Every entry ends with a NUL; the first has none before it.
			if (Buffer.concat([Buffer.from([0]), fs.readFileSync(`/proc/${pid}/environ`)]).includes(wanted)) {
				const start = startTime(pid);
				if (start !== undefined) {
					found.push({pid, start});
				}
			}
		} catch {
			// Gone meanwhile.
		}
	}

	return found;
}

/** Signal an adopted process: its whole group when it leads one (a `setsid`), else itself; never a
pid that now belongs to another process. */
export function signalAdopted(mark: ProcessMark, signal: number): void {
	if (!stillRunning(mark)) {
		return;
	}

	try {
		process.kill(processGroup(mark.pid) === mark.pid ? -mark.pid : mark.pid, signal);
	} catch {
		// Gone meanwhile.
	}
}
