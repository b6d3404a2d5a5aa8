import childProcess, {type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {SocketClient} from '../../source/control/client.js';
import {isErrorReply, type Properties, type Reply} from '../../source/control/protocol.js';
import {startTime, stillRunning, type ProcessMark} from '../../source/io/state-file.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const cliPath = path.join(repoRoot, 'dist', 'cli.js');

/** Poll `probe` until it returns a value other than undefined/false, or fail after `timeoutMs`. */
export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, options: {timeoutMs?: number; intervalMs?: number; what?: string} = {}): Promise<T> {
	const deadline = Date.now() + (options.timeoutMs ?? 15_000);
	let last: unknown;
	for (;;) {
		try {
			const value = await probe();
			if (value !== undefined && value !== false) {
				return value;
			}

			last = value;
		} catch (error) {
			last = error;
		}

		if (Date.now() > deadline) {
			throw new Error(`timed out waiting for ${options.what ?? 'a condition'} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
		}

		await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
	}
}

export function tempDir(prefix = 'procui-test-'): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export type Daemon = {
	readonly dir: string;
	readonly endpoint: string;
	readonly process: ChildProcess;
	readonly client: SocketClient;
	/** Everything the daemon wrote to stderr so far. */
	stderr(): string;
	/** Everything the daemon wrote to stdout so far (a StdoutStream's output). */
	stdout(): string;
	/**
	 * Wait until the daemon's stderr matches `pattern`, and return the match. The log comes on a
	 * pipe and replies and events on the socket: a line written before a reply can be read after it.
	 */
	logged(pattern: RegExp): Promise<RegExpMatchArray>;
	/** Make the daemon log a marker and wait for it: then `stderr()` holds all it logged before. */
	flushLog(): Promise<void>;
	/** Call and expect an ok reply. */
	ok(command: string, properties?: Properties): Promise<Reply>;
	/** Call and return the reply, error or not. */
	call(command: string, properties?: Properties): Promise<Reply>;
	/** Resolves with the exit code once the daemon exits. */
	exited: Promise<number | null>;
	/** Quit (or kill) the daemon and remove its folder. */
	stop(): Promise<void>;
};

export type DaemonOptions = {
	name?: string;
	args?: readonly string[];
	env?: NodeJS.ProcessEnv;
	/** A program (and its arguments) that execs the daemon's command line given after them. */
	wrapper?: readonly string[];
	/** Descriptors the daemon inherits as fd 3, 4, ... (not close-on-exec in the daemon). */
	inheritFds?: readonly number[];
	/** Run in this folder (a previous daemon's, with the same endpoint) instead of a fresh one. */
	dir?: string;
	/** Make the files the config refers to, before the daemon reads it. */
	setup?: (dir: string) => void;
};

let logMarkers = 0;

/** Start the built `procui daemon` on a config written into a fresh folder. */
export async function startDaemon(configText: string, options: DaemonOptions = {}): Promise<Daemon> {
	const dir = options.dir ?? tempDir();
	const configFile = path.join(dir, options.name ?? 'circus.ini');
	fs.mkdirSync(path.dirname(configFile), {recursive: true});
	// Files the config refers to, made before the daemon reads it.
	options.setup?.(dir);
	fs.writeFileSync(configFile, configText);
	const socket = path.join(dir, 'run', 'procui.sock');
	const endpoint = `ipc://${socket}`;
	const command = [...(options.wrapper ?? []), process.execPath, cliPath, 'daemon', configFile, '--endpoint', endpoint, '--log-level', 'debug', ...(options.args ?? [])];
	const child = childProcess.spawn(command[0]!, command.slice(1), {
		cwd: dir,
		env: {...process.env, ...options.env},
		stdio: ['ignore', 'pipe', 'pipe', ...(options.inheritFds ?? [])],
	});
	let stderr = '';
	child.stderr!.setEncoding('utf8');
	child.stderr!.on('data', (chunk: string) => {
		stderr += chunk;
	});
	let stdout = '';
	child.stdout!.setEncoding('utf8');
	child.stdout!.on('data', (chunk: string) => {
		stdout += chunk;
	});
	const exited = new Promise<number | null>((resolve) => {
		child.once('exit', (code) => {
			resolve(code);
		});
	});
	const closed = new Promise<void>((resolve) => {
		child.once('close', () => {
			resolve();
		});
	});
	let exitCode: number | null | undefined;
	void exited.then((code) => {
		exitCode = code;
	});
	// A daemon that exits before it listens fails the start at once, with what it said.
	const client = await Promise.race([
		waitFor(async () => (fs.existsSync(socket) ? SocketClient.connect(endpoint, {timeoutMs: 60_000}) : undefined), {what: 'the daemon to listen'}),
		// 'close': after its stderr has been read to the end.
		new Promise<never>((_resolve, reject) => {
			child.once('close', (code) => {
				reject(new Error(`the daemon exited with ${code}: ${stderr}`));
			});
		}),
	]);
	const daemon: Daemon = {
		dir,
		endpoint,
		process: child,
		client,
		stderr: () => stderr,
		stdout: () => stdout,
		async logged(pattern) {
			try {
				return await waitFor(() => stderr.match(pattern) ?? undefined, {what: `the daemon to log ${String(pattern)}`});
			} catch (error) {
				throw new Error(`${(error as Error).message}; its last lines:\n${stderr.split('\n').slice(-8).join('\n')}`);
			}
		},
		async flushLog() {
			// A daemon that exited has written all it will: its stderr is read to the end at 'close'.
			if (exitCode !== undefined) {
				await closed;
				return;
			}

			// A cast of a command that does not exist is logged (at debug) and gets no reply.
			const marker = `procui-test-log-marker-${++logMarkers}`;
			client.cast(marker);
			await Promise.race([waitFor(() => stderr.includes(marker), {what: `the daemon to log the marker ${marker}`}), closed]);
		},
		exited,
		async call(command, properties = {}) {
			return client.call(command, properties);
		},
		async ok(command, properties = {}) {
			const reply = await client.call(command, properties);
			if (isErrorReply(reply)) {
				throw new Error(`${command} failed: ${reply.reason}`);
			}

			return reply;
		},
		async stop() {
			if (exitCode === undefined) {
				await client.call('quit', {}).catch(() => undefined);
				const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
				await exited;
				clearTimeout(timer);
			}

			await client.close();
			fs.rmSync(dir, {recursive: true, force: true});
		},
	};
	return daemon;
}

/** The end of a test that started `daemon` and registered `cleanups`: stop it, then run them (and forget them). */
export async function stopAndClean(daemon: Daemon | undefined, cleanups: Array<() => void>): Promise<void> {
	await daemon?.stop();
	for (const cleanup of cleanups.splice(0)) {
		cleanup();
	}
}

/** Is a process alive (and not a zombie)? */
export function alive(pid: number): boolean {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
	} catch {
		return false;
	}
}

/**
Processes a test may have to kill when it ends, each held by its pid and start time: the suite
starts tens of thousands of processes, so the kernel's numbers come round again within minutes,
and a number killed blindly once its process is gone can be another test's process.
*/
export class Leftovers {
	readonly #marks: ProcessMark[] = [];

	/** Remember `pid` as it is now (nothing if it is gone already). */
	add(pid: number): void {
		const start = startTime(pid);
		if (start !== undefined) {
			this.#marks.push({pid, start});
		}
	}

	/** SIGKILL each one still running as the same process (its group, with `group`), and forget them. */
	killAll(group = false): void {
		for (const mark of this.#marks.splice(0)) {
			if (stillRunning(mark)) {
				try {
					process.kill(group ? -mark.pid : mark.pid, 'SIGKILL');
				} catch {
					// Gone meanwhile.
				}
			}
		}
	}
}

/** Pids of every process whose command line contains `marker`. */
export function pidsMatching(marker: string): number[] {
	const pids: number[] = [];
	for (const name of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(name) || Number(name) === process.pid) {
			continue;
		}

		try {
			const cmdline = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
			if (cmdline.includes(marker) && alive(Number(name))) {
				pids.push(Number(name));
			}
		} catch {
			// Gone.
		}
	}

	return pids;
}

/** A unique argument to find a test's processes by: `sleep 1000.123456`-style. */
export function uniqueSleep(): string {
	return `${1000 + Math.floor(Math.random() * 1000)}.${process.pid}${Math.floor(Math.random() * 1e6)}`;
}

export function pids(reply: Reply): number[] {
	return (reply as unknown as {pids: number[]}).pids;
}
