import fs from 'node:fs';
import {createRequire} from 'node:module';
import {trackPid} from './adopted.js';
import type {ExitStatus} from './spawn.js';
import {nativeAddonFile} from './native-addon.js';

/**
Starting procui-exec without forking the supervisor (native/procui-spawn.c: posix_spawn, which
copies nothing). Node's child_process forks, copying the page tables of the whole supervisor for
a child that execs at once; under churn that was a third of the supervisor's CPU. The child is
still the supervisor's own, so it is reaped here, on SIGCHLD, pid by pid as Node's child watcher
does for its own.
*/

type Addon = {
	spawn(file: string, argv: readonly string[], envp: readonly string[], cwd: string, fds: readonly number[]): number;
	/** Read end, write end, and the write end's send buffer in bytes (0 if unknown). */
	pipe(): [number, number, number];
	wait(pid: number): [number | null, number | null] | null;
	watch(fd: number, callback: (report: string) => void): void;
};

/** A child's descriptor `i`: a descriptor of the supervisor's, /dev/null, or a new pipe whose
read end the supervisor keeps. */
export type NativeStdio = number | 'ignore' | 'pipe';

export type NativeChild = {
	readonly pid: number;
	/** The read ends of the `'pipe'` entries, by descriptor number; the others are undefined. */
	readonly pipes: ReadonlyArray<number | undefined>;
	/** The send buffer its pipes give the child's writes, in bytes (net.core.wmem_max caps it); 0 without pipes or if unknown. */
	readonly pipeRoom: number;
};

let addon: Addon | undefined | false;

function loadAddon(): Addon | undefined {
	if (addon === undefined) {
		const file = nativeAddonFile('procui-spawn');
		try {
			addon = file === undefined || process.env.PROCUI_FORK_SPAWN === '1' ? false : createRequire(import.meta.url)(file) as Addon;
		} catch {
			addon = false;
		}
	}

	return addon === false ? undefined : addon;
}

/** Whether processes start through procui-spawn (false: through child_process). */
export function nativeSpawnAvailable(): boolean {
	return loadAddon() !== undefined;
}

/** Children started here that are not reaped yet, with what to call when they are. */
const waiting = new Map<number, (status: ExitStatus) => void>();
let listening = false;
/** Holds the event loop open while a child runs, as Node's own child handles do (the signal
listener does not). */
let keepAlive: NodeJS.Timeout | undefined;

function reapSpawned(): void {
	const native = loadAddon();
	if (!native) {
		return;
	}

	for (const [pid, onExit] of waiting) {
		const status = native.wait(pid);
		if (status !== null) {
			waiting.delete(pid);
			onExit({code: status[0], signal: status[1]});
		}
	}

	if (waiting.size === 0) {
		clearInterval(keepAlive);
		keepAlive = undefined;
	}
}

/**
Start `file` with `argv` (argv[0] included) in `cwd`, the child's descriptors as `stdio` says.
Throws the system's error (with its `code`) when the process cannot be started. `onExit` is called
once it has exited and been reaped.
*/
export function spawnNative(file: string, argv: readonly string[], env: Readonly<Record<string, string>>, cwd: string, stdio: readonly NativeStdio[], onExit: (status: ExitStatus) => void): NativeChild {
	const native = loadAddon();
	if (!native) {
		throw new Error('procui-spawn.node is not available');
	}

	if (!listening) {
		// Before the first child exists, so no exit can go unseen.
		listening = true;
		process.on('SIGCHLD', reapSpawned);
	}

	const pipes: Array<number | undefined> = [];
	let pipeRoom = 0;
	const childEnds: number[] = [];
	const fds: number[] = [];
	try {
		for (const entry of stdio) {
			if (entry === 'pipe') {
				const [read, write, room] = native.pipe();
				pipeRoom = room;
				pipes.push(read);
				childEnds.push(write);
				fds.push(write);
			} else {
				pipes.push(undefined);
				fds.push(entry === 'ignore' ? -1 : entry);
			}
		}

		const envp = Object.entries(env).map(([name, value]) => `${name}=${value}`);
		const pid = native.spawn(file, argv, envp, cwd, fds);
		const untrack = trackPid(pid);
		keepAlive ??= setInterval(() => undefined, 2 ** 30);
		waiting.set(pid, (status) => {
			untrack();
			onExit(status);
		});
		return {pid, pipes, pipeRoom};
	} catch (error) {
		for (const fd of pipes) {
			if (fd !== undefined) {
				fs.closeSync(fd);
			}
		}

		throw error;
	} finally {
		// The child has its own copies (or never will).
		for (const fd of childEnds) {
			fs.closeSync(fd);
		}
	}
}

/**
Read procui-exec's error pipe to its end on the event loop, then close it and pass on what it said
('' when the program was exec'd). A poll handle in the addon: a net.Socket per child, with its
stream machinery, cost more than the rest of the spawn. Throws (leaving `fd` open) when the
handle cannot be made.
*/
export function watchReport(fd: number, onReport: (report: string) => void): void {
	const native = loadAddon();
	if (!native) {
		throw new Error('procui-spawn.node is not available');
	}

	native.watch(fd, onReport);
}
