import childProcess from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import {createRequire} from 'node:module';
import path from 'node:path';
import tty from 'node:tty';
import {fileURLToPath} from 'node:url';
import type {Readable} from 'node:stream';
import {DrainMarker} from './drain-marker.js';
import {FdRef} from './fd-ref.js';
import {checkWorkingDir, resolveExecutable, SpawnError} from './executable.js';

export {SpawnError} from './executable.js';

/** How a child ended: exit code, or the signal that killed it. */
export type ExitStatus = {
	readonly code: number | null;
	readonly signal: number | null;
};

export type SpawnOptions = {
	/** Program, resolved through PATH like execvp. */
	readonly file: string;
	readonly args: readonly string[];
	/** argv[0] as the child sees it (`executable` in Circus is the reverse: the file to run). */
	readonly argv0?: string;
	readonly env: Readonly<Record<string, string>>;
	readonly cwd: string;
	readonly uid?: number;
	readonly gid?: number;
	/** Pseudo-terminal (stdout and stderr are one stream) or pipes. */
	readonly pty: boolean;
	readonly cols?: number;
	readonly rows?: number;
	/** Pipe mode: open stdin as a pipe (else /dev/null). */
	readonly stdinPipe?: boolean;
	/** Extra fds passed to the child as fd 3, 4, ... (sockets). */
	readonly extraFds?: readonly number[];
	/** `rlimit_<name>`: soft = hard limit, null for infinity. */
	readonly rlimits?: Readonly<Record<string, number | null>>;
	readonly onExit: (status: ExitStatus) => void;
};

/** One output channel of a child: its stream and the fds the supervisor holds for it. */
export type OutputChannel = {
	readonly name: 'stdout' | 'stderr';
	readonly stream: Readable;
	/** The descriptor the stream reads from. */
	readonly read: FdRef;
	/** Applied to every chunk before it is delivered (PTY: removes the drain marker). */
	readonly filter?: (chunk: Buffer) => Buffer;
};

export type Child = {
	readonly pid: number;
	readonly mode: 'pty' | 'pipe';
	readonly channels: readonly OutputChannel[];
	/** PTY mode: the supervisor's hold on the slave side, released when the exit is observed.
	While it is held, the master cannot hit EIO, so no output is lost to an early hang-up. */
	readonly slaveHold?: FdRef;
	/** Write to the child's terminal or stdin pipe; false when there is none. */
	write(data: string | Buffer): boolean;
	resize(cols: number, rows: number): void;
};

type NativePty = {
	open(cols: number, rows: number): {master: number; slave: number; pty: string};
	resize(fd: number, cols: number, rows: number): void;
};

let nativePty: NativePty | undefined;

/** node-pty's native module: `open` makes a PTY pair; procui spawns and reads it itself. */
function loadNativePty(): NativePty {
	if (!nativePty) {
		const require = createRequire(import.meta.url);
		const utils = require('node-pty/lib/utils') as {loadNativeModule(name: string): {module: NativePty}};
		nativePty = utils.loadNativeModule('pty').module;
	}

	return nativePty;
}

let helper: string | undefined;

/** The compiled `procui-exec` (see native/procui-exec.c), built into dist/ by `npm run build`. */
export function execHelperPath(): string {
	if (helper === undefined) {
		const here = path.dirname(fileURLToPath(import.meta.url));
		const candidates = [path.resolve(here, '../../procui-exec'), path.resolve(here, '../../dist/procui-exec')];
		helper = candidates.find((candidate) => fs.existsSync(candidate));
		if (helper === undefined) {
			throw new SpawnError(`procui-exec is missing (looked in ${candidates.join(', ')}); run \`npm run build\``, 'ENOENT');
		}
	}

	return helper;
}

function helperArgs(options: SpawnOptions, file: string, ctty: boolean): string[] {
	const args: string[] = [];
	if (ctty) {
		args.push('--ctty');
	}

	args.push('--keep', String(3 + (options.extraFds?.length ?? 0)));
	for (const [name, limit] of Object.entries(options.rlimits ?? {})) {
		args.push('--rlimit', `${name}=${limit === null ? 'inf' : String(limit)}`);
	}

	return [...args, '--', file, options.argv0 ?? options.file, ...options.args];
}

function startChild(options: SpawnOptions, file: string, stdio: childProcess.StdioOptions, ctty: boolean): childProcess.ChildProcess {
	const child = childProcess.spawn(execHelperPath(), helperArgs(options, file, ctty), {
		cwd: options.cwd,
		env: options.env,
		uid: options.uid,
		gid: options.gid,
		stdio,
	});
	// A failed spawn (EAGAIN, EMFILE, procui-exec missing) reports 'error' on the next tick; with no
	// listener that is an uncaught exception, and the supervisor would kill everything and exit.
	child.on('error', () => undefined);
	if (child.pid === undefined) {
		throw new SpawnError('the system could not start a process (fork failed)', 'EAGAIN');
	}

	child.once('exit', (code, signal) => {
		options.onExit({code, signal: signal ? signalNumber(signal) : null});
	});
	return child;
}

/** If the drain marker has not come back after this long, the slave is closed anyway. */
const drainMarkerTimeoutMs = 5000;

/**
PTY mode. The supervisor opens the PTY pair itself (node-pty's native `open`) and keeps its own
descriptor of the slave side from before the child exists: while it is held, the master cannot
hang up. After the exit it writes a drain marker into the slave and closes it only once the marker
has been read back, so not a byte of a fast-exiting child's output is lost (node-pty's own spawn
loses the tail: its issues #72 and #726). procui-exec makes the slave the child's controlling
terminal in a new session.
*/
function spawnPty(options: SpawnOptions, file: string): Child {
	const native = loadNativePty();
	const pair = native.open(options.cols ?? 120, options.rows ?? 40);
	const slaveHold = new FdRef(pair.slave, () => {
		fs.closeSync(pair.slave);
	}, 'process');
	const marker = new DrainMarker(() => {
		slaveHold.release('process');
	});
	let child: childProcess.ChildProcess;
	try {
		child = startChild({...options, onExit: (status) => {
			marker.arm();
			fs.write(pair.slave, marker.marker, () => undefined);
			setTimeout(() => {
				slaveHold.release('process');
			}, drainMarkerTimeoutMs).unref();
			options.onExit(status);
		}}, file, [pair.slave, pair.slave, pair.slave, ...(options.extraFds ?? [])], true);
	} catch (error) {
		slaveHold.release('process');
		fs.closeSync(pair.master);
		throw error;
	}

	const stream = new tty.ReadStream(pair.master);
	const read = new FdRef(pair.master, () => {
		stream.destroy();
	}, 'reader');
	// EIO from the master means every holder of the slave side is gone: end of output.
	stream.on('error', () => {
		read.release('reader');
	});
	stream.on('close', () => {
		read.release('reader');
	});
	return {
		pid: child.pid!,
		mode: 'pty',
		channels: [{name: 'stdout', stream, read, filter: (chunk) => marker.filter(chunk)}],
		slaveHold,
		write(data) {
			if (read.closed) {
				return false;
			}

			fs.write(pair.master, typeof data === 'string' ? Buffer.from(data) : data, () => undefined);
			return true;
		},
		resize(cols, rows) {
			if (!read.closed) {
				try {
					native.resize(pair.master, cols, rows);
				} catch {
					// The terminal is going away; nothing to resize.
				}
			}
		},
	};
}

function spawnPipes(options: SpawnOptions, file: string): Child {
	const child = startChild(options, file, [options.stdinPipe ? 'pipe' : 'ignore', 'pipe', 'pipe', ...(options.extraFds ?? [])], false);
	const channels: OutputChannel[] = [];
	for (const [name, stream] of [['stdout', child.stdout], ['stderr', child.stderr]] as const) {
		if (!stream) {
			continue;
		}

		const handle = stream as Readable & {_handle?: {fd?: number}};
		const read = new FdRef(handle._handle?.fd ?? -1, () => {
			stream.destroy();
		}, 'reader');
		stream.on('close', () => read.release('reader'));
		stream.on('error', () => read.release('reader'));
		channels.push({name, stream, read});
	}

	return {
		pid: child.pid!,
		mode: 'pipe',
		channels,
		write(data) {
			if (!child.stdin || child.stdin.destroyed) {
				return false;
			}

			child.stdin.on('error', () => undefined);
			return child.stdin.write(data);
		},
		resize() {
			// Pipes have no window size.
		},
	};
}

function signalNumber(name: string): number {
	return (os.constants.signals as Record<string, number>)[name] ?? 0;
}

/**
Start a child in its own session and process group, through a PTY or pipes. Problems that would
make the exec fail (missing command, missing working_dir) are thrown as SpawnError before forking.
*/
export function spawnChild(options: SpawnOptions): Child {
	checkWorkingDir(options.cwd);
	const file = resolveExecutable(options.file, options.env.PATH, options.cwd);
	return options.pty ? spawnPty(options, file) : spawnPipes(options, file);
}

/** Send `signal` to a child's whole process group (falling back to the pid alone). */
export function signalGroup(pid: number, signal: number): boolean {
	try {
		process.kill(-pid, signal);
		return true;
	} catch {
		try {
			process.kill(pid, signal);
			return true;
		} catch {
			return false;
		}
	}
}

/** Send `signal` to one process. */
export function signalProcess(pid: number, signal: number): boolean {
	try {
		process.kill(pid, signal);
		return true;
	} catch {
		return false;
	}
}
