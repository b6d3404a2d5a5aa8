import childProcess from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import {createRequire} from 'node:module';
import path from 'node:path';
import tty from 'node:tty';
import type {Readable} from 'node:stream';
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
	/** Pipe mode: extra fds passed to the child as fd 3, 4, ... */
	readonly extraFds?: readonly number[];
	readonly onExit: (status: ExitStatus) => void;
};

/** One output channel of a child: its stream and the fds the supervisor holds for it. */
export type OutputChannel = {
	readonly name: 'stdout' | 'stderr';
	readonly stream: Readable;
	/** The descriptor the stream reads from. */
	readonly read: FdRef;
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
	fork(
		file: string, args: readonly string[], env: readonly string[], cwd: string, cols: number, rows: number,
		uid: number, gid: number, utf8: boolean, helperPath: string, onExit: (code: number, signal: number) => void,
	): {fd: number; pid: number; pty: string};
	resize(fd: number, cols: number, rows: number): void;
};

let nativePty: {module: NativePty; dir: string} | undefined;

/**
node-pty's UnixTerminal delays `exit` until its socket closes and destroys the socket 200 ms after
the exit, which loses the tail of a fast-exiting child's output (node-pty #72, #726). procui uses
node-pty's native fork (forkpty: new session, controlling terminal) and owns the master itself.
*/
function loadNativePty(): {module: NativePty; dir: string} {
	if (!nativePty) {
		const require = createRequire(import.meta.url);
		const utils = require('node-pty/lib/utils') as {loadNativeModule(name: string): {module: NativePty; dir: string}};
		nativePty = utils.loadNativeModule('pty');
	}

	return nativePty;
}

function envList(env: Readonly<Record<string, string>>): string[] {
	return Object.entries(env).map(([key, value]) => `${key}=${value}`);
}

function spawnPty(options: SpawnOptions, file: string): Child {
	const native = loadNativePty();
	const cols = options.cols ?? 120;
	const rows = options.rows ?? 40;
	const hold: {slave?: FdRef} = {};
	const term = native.module.fork(
		file, options.args, envList(options.env), options.cwd, cols, rows,
		options.uid ?? -1, options.gid ?? -1, false, path.join(native.dir, 'spawn-helper'),
		(code, signal) => {
			hold.slave?.release('process');
			options.onExit({code: signal ? null : code, signal: signal || null});
		},
	);
	// The exit callback cannot run before this synchronous code finishes, so the hold is in place.
	const slaveFd = fs.openSync(term.pty, fs.constants.O_RDWR | fs.constants.O_NOCTTY);
	const slaveHold = new FdRef(slaveFd, () => {
		fs.closeSync(slaveFd);
	}, 'process');
	hold.slave = slaveHold;
	const stream = new tty.ReadStream(term.fd);
	const read = new FdRef(term.fd, () => {
		stream.destroy();
	}, 'reader');
	// EIO from the master means every holder of the slave side is gone: end of output.
	stream.on('error', () => {
		read.release('reader');
	});
	stream.on('end', () => {
		read.release('reader');
	});
	stream.on('close', () => {
		read.release('reader');
	});
	const writer = new tty.WriteStream(term.fd);
	// The write side shares the master fd; it must never close it on its own.
	writer.on('error', () => undefined);
	return {
		pid: term.pid,
		mode: 'pty',
		channels: [{name: 'stdout', stream, read}],
		slaveHold,
		write(data) {
			if (read.closed) {
				return false;
			}

			fs.write(term.fd, typeof data === 'string' ? Buffer.from(data) : data, () => undefined);
			return true;
		},
		resize(newCols, newRows) {
			if (!read.closed) {
				try {
					native.module.resize(term.fd, newCols, newRows);
				} catch {
					// The terminal is going away; nothing to resize.
				}
			}
		},
	};
}

function spawnPipes(options: SpawnOptions, file: string): Child {
	const extra = options.extraFds ?? [];
	const child = childProcess.spawn(file, options.args, {
		argv0: options.argv0,
		cwd: options.cwd,
		env: options.env,
		uid: options.uid,
		gid: options.gid,
		// setsid(): its own session and process group, so stop and kill reach the whole group.
		detached: true,
		stdio: [options.stdinPipe ? 'pipe' : 'ignore', 'pipe', 'pipe', ...extra],
	});
	if (child.pid === undefined) {
		// Node reports a failed spawn through 'error'; the checks above make this rare.
		let reason = 'spawn failed';
		child.once('error', (error) => {
			reason = error.message;
		});
		throw new SpawnError(reason, 'EAGAIN');
	}

	child.on('error', () => undefined);
	child.once('exit', (code, signal) => {
		options.onExit({code, signal: signal ? signalNumber(signal) : null});
	});
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
		pid: child.pid,
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
