import childProcess from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import {createRequire} from 'node:module';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {Readable} from 'node:stream';
import {trackChild} from './adopted.js';
import {DrainMarker} from './drain-marker.js';
import {FdRef} from './fd-ref.js';
import {pipeFd, readPipe, readPipeEnd, readTerminal, spacingFor} from './gathered-reads.js';
import {nativeSpawnAvailable, spawnNative, watchReport} from './native-spawn.js';
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
	/** PTY mode: stderr on a pipe of its own (a channel `stderr`) instead of the terminal. */
	readonly stderrPipe?: boolean;
	/** `close_child_stdout`: the child's stdout is /dev/null, in PTY mode too (the terminal stays
	its stdin and controlling terminal). Nothing is read from it. */
	readonly nullStdout?: boolean;
	/** `close_child_stderr`: the child's stderr is /dev/null, whatever `stderrPipe` says. */
	readonly nullStderr?: boolean;
	/** Extra fds passed to the child as fd 3, 4, ... (sockets). */
	readonly extraFds?: readonly number[];
	/** `rlimit_<name>`: soft = hard limit, null for infinity. */
	readonly rlimits?: Readonly<Record<string, number | null>>;
	/** The program was exec'ed: procui-exec's error pipe closed without a word. */
	readonly onExec?: () => void;
	/** The child ended. `failure` when it never ran the program: procui-exec said which step failed
	(exec, an rlimit, setuid...) and with which errno. Called once the error pipe is read to its end. */
	readonly onExit: (status: ExitStatus, failure?: SpawnError) => void;
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
	/** Write to the child's terminal; false when there is none (pipe mode: stdin is /dev/null). */
	write(data: string | Buffer): boolean;
	resize(cols: number, rows: number): void;
	/** PTY mode: the terminal's window size, as last set. */
	windowSize?(): {columns: number; rows: number};
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

function helperArgs(options: SpawnOptions, file: string, ctty: boolean, errorFd: number): string[] {
	const args: string[] = [];
	if (ctty) {
		args.push('--ctty');
	}

	// The error pipe comes right after the sockets; everything above it is closed.
	args.push('--keep', String(errorFd), '--errfd', String(errorFd));
	// procui-exec changes user itself, after initgroups: Node's uid option drops the supplementary groups.
	if (options.uid !== undefined) {
		args.push('--uid', String(options.uid));
	}

	if (options.gid !== undefined) {
		args.push('--gid', String(options.gid));
	}

	for (const [name, limit] of Object.entries(options.rlimits ?? {})) {
		args.push('--rlimit', `${name}=${limit === null ? 'inf' : String(limit)}`);
	}

	return [...args, '--', file, options.argv0 ?? options.file, ...options.args];
}

/** The longest report procui-exec writes on its error pipe (one line). */
const maxFailureBytes = 4096;

/** procui-exec's "ERRNO message" line as a SpawnError with the errno's name (`EACCES`). */
function parseExecFailure(text: string): SpawnError {
	const match = /^(\d+) (.*)$/s.exec(text.trim());
	const errno = match ? Number(match[1]) : 0;
	const code = Object.entries(os.constants.errno).find(([, number]) => number === errno)?.[0] ?? 'EIO';
	return new SpawnError(match ? `${match[2]} (${code})` : `procui-exec failed: ${text.trim()}`, code);
}

/** A started child: its pid, and the read ends of the stdio entries that were `'pipe'` (read as
`gatherReads` says), by descriptor number. */
type Started = {
	readonly pid: number;
	readonly pipes: ReadonlyArray<net.Socket | undefined>;
};

type Stdio = ReadonlyArray<'pipe' | 'ignore' | number>;

/** procui-exec's report on its error pipe and the exit: `options.onExit` gets both, once both are in. */
function exitReporter(options: SpawnOptions): {exited(status: ExitStatus): void; reported(report: string): void; read(errors: Readable): void} {
	let report: string | undefined;
	let exit: ExitStatus | undefined;
	const finish = (): void => {
		if (report !== undefined && exit) {
			options.onExit(exit, report === '' ? undefined : parseExecFailure(report));
		}
	};

	const reported = (text: string): void => {
		report = text.slice(0, maxFailureBytes);
		if (report === '') {
			options.onExec?.();
		}

		finish();
	};

	return {
		exited(status) {
			exit = status;
			finish();
		},
		reported,
		read(errors) {
			let text = '';
			errors.setEncoding('utf8');
			errors.on('data', (chunk: string) => {
				if (text.length < maxFailureBytes) {
					text += chunk.slice(0, maxFailureBytes - text.length);
				}
			});
			errors.on('error', () => undefined);
			errors.once('close', () => {
				reported(text);
			});
		},
	};
}

/** Through procui-spawn (posix_spawn): nothing of the supervisor is copied. */
function startNative(options: SpawnOptions, file: string, stdio: Stdio, ctty: boolean): Started {
	const errorFd = stdio.length;
	const reporter = exitReporter(options);
	let child;
	try {
		child = spawnNative(execHelperPath(), [execHelperPath(), ...helperArgs(options, file, ctty, errorFd)], options.env, options.cwd, [...stdio, 'pipe'], (status) => {
			reporter.exited(status);
		});
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
		throw new SpawnError(`the system could not start a process: ${(error as Error).message} (${code})`, code);
	}

	// The exit is seen on SIGCHLD, in a later turn: the error pipe's reader is in place first.
	const errors = child.pipes[errorFd]!;
	try {
		watchReport(errors, (report) => {
			reporter.reported(report);
		});
	} catch {
		// No poll handle (out of memory): read it as a socket, as child_process's is.
		reporter.read(new net.Socket({fd: errors, readable: true, writable: false}));
	}

	const spacing = spacingFor(child.pipeRoom);
	const pipes = child.pipes.slice(0, errorFd).map((fd) => (fd === undefined ? undefined : readPipeEnd(fd, spacing)));
	return {pid: child.pid, pipes};
}

/** Through child_process: Node forks the supervisor. */
function startForked(options: SpawnOptions, file: string, stdio: Stdio, ctty: boolean): Started {
	const errorFd = stdio.length;
	const child: childProcess.ChildProcess = childProcess.spawn(execHelperPath(), helperArgs(options, file, ctty, errorFd), {
		cwd: options.cwd,
		env: options.env,
		stdio: [...stdio, 'pipe'] as childProcess.StdioOptions,
	});
	// A failed spawn (EAGAIN, EMFILE, procui-exec missing) reports 'error' on the next tick; with no
	// listener that is an uncaught exception, and the supervisor would kill everything and exit.
	child.on('error', () => undefined);
	if (child.pid === undefined) {
		throw new SpawnError('the system could not start a process (fork failed)', 'EAGAIN');
	}

	trackChild(child);
	// The exit can be seen before the report is read: the exit is passed on once both are in.
	const reporter = exitReporter(options);
	reporter.read(child.stdio[errorFd] as Readable);
	child.once('exit', (code, signal) => {
		reporter.exited({code, signal: signal ? signalNumber(signal) : null});
	});
	const pipes = child.stdio.slice(0, errorFd).map((stream) => (stream ? readPipe(stream as net.Socket) : undefined));
	return {pid: child.pid, pipes};
}

function startChild(options: SpawnOptions, file: string, stdio: Stdio, ctty: boolean): Started {
	return nativeSpawnAvailable() ? startNative(options, file, stdio, ctty) : startForked(options, file, stdio, ctty);
}

/** If the drain marker has not come back after this long, the slave is closed anyway. */
const drainMarkerTimeoutMs = 5000;

/** What a PTY child's fd 2 is: /dev/null (Node opens it for 'ignore'), a pipe of its own, or the terminal. */
function ptyStderr(options: SpawnOptions, slave: number): 'pipe' | 'ignore' | number {
	if (options.nullStderr) {
		return 'ignore';
	}

	return options.stderrPipe ? 'pipe' : slave;
}

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
	const size = {columns: options.cols ?? 120, rows: options.rows ?? 40};
	const pair = native.open(size.columns, size.rows);
	const slaveHold = new FdRef(pair.slave, () => {
		fs.closeSync(pair.slave);
	}, 'process');
	const marker = new DrainMarker(() => {
		slaveHold.release('process');
	});
	let child: Started;
	try {
		child = startChild({...options, onExit: (status, failure) => {
			marker.arm();
			fs.write(pair.slave, marker.marker, () => undefined);
			setTimeout(() => {
				slaveHold.release('process');
			}, drainMarkerTimeoutMs).unref();
			options.onExit(status, failure);
		}}, file, [pair.slave, options.nullStdout ? 'ignore' : pair.slave, ptyStderr(options, pair.slave), ...(options.extraFds ?? [])], true);
	} catch (error) {
		slaveHold.release('process');
		fs.closeSync(pair.master);
		throw error;
	}

	const stream = readTerminal(pair.master);
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
	const channels: OutputChannel[] = [{name: 'stdout', stream, read, filter: (chunk) => marker.filter(chunk)}];
	const stderr = child.pipes[2];
	if (stderr) {
		channels.push(pipeChannel('stderr', stderr));
	}

	return {
		pid: child.pid,
		mode: 'pty',
		channels,
		slaveHold,
		write(data) {
			if (read.closed) {
				return false;
			}

			fs.write(pair.master, typeof data === 'string' ? Buffer.from(data) : data, () => undefined);
			return true;
		},
		windowSize: () => ({...size}),
		resize(cols, rows) {
			if (!read.closed) {
				try {
					native.resize(pair.master, cols, rows);
					size.columns = cols;
					size.rows = rows;
				} catch {
					// The terminal is going away; nothing to resize.
				}
			}
		},
	};
}

/** An output channel read from a pipe (see `readPipe`, `readPipeEnd`); the fd is released when
the pipe ends. */
function pipeChannel(name: OutputChannel['name'], stream: net.Socket): OutputChannel {
	const read = new FdRef(pipeFd(stream), () => {
		stream.destroy();
	}, 'reader');
	stream.on('close', () => read.release('reader'));
	stream.on('error', () => read.release('reader'));
	return {name, stream, read};
}

function spawnPipes(options: SpawnOptions, file: string): Child {
	const output = (toNull: boolean | undefined): 'pipe' | 'ignore' => (toNull ? 'ignore' : 'pipe');
	const child = startChild(options, file, ['ignore', output(options.nullStdout), output(options.nullStderr), ...(options.extraFds ?? [])], false);
	const channels: OutputChannel[] = [];
	for (const [name, stream] of [['stdout', child.pipes[1]], ['stderr', child.pipes[2]]] as const) {
		if (stream) {
			channels.push(pipeChannel(name, stream));
		}
	}

	return {
		pid: child.pid,
		mode: 'pipe',
		channels,
		write() {
			// stdin is /dev/null (Circus's close_child_stdin): nothing to write to.
			return false;
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

/** Send `signal` to a child's whole process group (falling back to the pid alone, unless the child
is known to have exited: its pid may belong to another process by now). */
export function signalGroup(pid: number, signal: number, exited = false): boolean {
	// A reaped leader's group lives on while a member does (one holding its output open), and while
	// it does the kernel gives its number to no new process. So once that number is a live
	// process's again, the group is long gone, and a group of that number is another program's.
	if (exited && numberInUse(pid)) {
		return false;
	}

	try {
		process.kill(-pid, signal);
		return true;
	} catch {
		if (exited) {
			return false;
		}

		try {
			process.kill(pid, signal);
			return true;
		} catch {
			return false;
		}
	}
}

/** Whether a process (or thread) has this number now; false where there is no /proc. */
function numberInUse(pid: number): boolean {
	return fs.existsSync(`/proc/${pid}`);
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
