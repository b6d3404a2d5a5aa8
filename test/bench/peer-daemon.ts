/**
What a workload sees of a peer supervisor (supervisord, PM2) running on a generated config: its
programs, the process whose CPU and RSS are the peer's, start and stop over its own socket, a
status request, its CLI's status command, and a bounded shutdown that leaves nothing behind.
*/
import childProcess from 'node:child_process';
import {killGroup, sleep, track, untrack} from './cleanup.js';
import {killDaemonTree} from './bench-daemon.js';
import {childrenOf, isAlive, readStat} from './procfs.js';
import type {PeerName} from './table.js';

/** One program (supervisord) or app (PM2): what procui calls a watcher. */
export type PeerProgram = {
	readonly name: string;
	/** Executed directly, no shell between (as procui runs a `cmd` without `shell = true`). */
	readonly argv: readonly string[];
	/** Processes of it. */
	readonly count: number;
	/** Restart each process as soon as it exits, without back-off or a give-up limit (W3); otherwise it stays exited. */
	readonly restart: boolean;
	/** Its stdout into this file, appended as it comes, never rotated; otherwise discarded. */
	readonly logFile?: string;
};

/** A command line with the environment it needs. */
export type Command = {
	readonly file: string;
	readonly args: readonly string[];
	readonly env: NodeJS.ProcessEnv;
};

export type PeerDaemon = {
	readonly name: PeerName;
	/** As the table's column and the notes name it. */
	readonly label: string;
	/** The process whose CPU and RSS are the peer's: supervisord itself, PM2's God daemon. */
	readonly pid: number;
	/** Its own folder: config, socket, logs; removed at close. */
	readonly dir: string;
	/** Start every process of `program`, over the peer's socket; resolves with its reply. */
	start(program: string): Promise<void>;
	/** Stop every process of `program`; resolves when the peer replies that they stopped. */
	stop(program: string): Promise<void>;
	/** One status request over the socket, as its CLI's status sends it. */
	status(): Promise<void>;
	/** The CLI's status command (`supervisorctl status`, `pm2 status`). */
	readonly statusCommand: Command;
	/** A child the workload saw: killed with its group at close if still there. */
	adopt(pid: number): void;
	/** Shut the peer down (SIGTERM: both stop their processes first), kill whatever is left, remove the folder. Idempotent. */
	close(): Promise<void>;
};

/** How long a peer gets to start listening, and to shut down, before it is killed. */
export const peerStartTimeoutMs = 30_000;
const peerQuitTimeoutMs = 20_000;

/**
Bookkeeping every peer driver shares: the children it is known to have had (so that they are
killed even after the daemon is gone and they were reparented), registration for the bench's
cleanup, and the bounded shutdown.
*/
export class PeerProcesses {
	readonly #adopted = new Map<number, string>();
	#pid: number | undefined;
	#gone: () => boolean = () => true;

	/** From now on, `pid` is the daemon: killed with its children's groups if the bench ends first. */
	watch(pid: number, gone: () => boolean): void {
		this.#pid = pid;
		this.#gone = gone;
		track(pid, () => {
			this.kill();
		});
	}

	adopt(pid: number): void {
		const stat = readStat(pid);
		if (stat) {
			this.#adopted.set(pid, stat.comm);
		}
	}

	/** SIGKILL the daemon (if still there) and every child's group. Synchronous. */
	kill(): void {
		const pid = this.#pid;
		killDaemonTree(pid === undefined || this.#gone() ? undefined : pid, this.#adopted);
	}

	/** SIGTERM, wait for the daemon to go (bounded), then kill what is left. */
	async close(): Promise<void> {
		const pid = this.#pid;
		if (pid === undefined) {
			return;
		}

		for (const child of childrenOf(pid)) {
			this.adopt(child.pid);
		}

		if (!this.#gone()) {
			try {
				process.kill(pid, 'SIGTERM');
			} catch {
				// Gone already.
			}

			const deadline = Date.now() + peerQuitTimeoutMs;
			while (!this.#gone() && Date.now() < deadline) {
				await sleep(20);
			}
		}

		this.kill();
		untrack(pid);
		this.#pid = undefined;
	}
}

/**
Run a peer's CLI to completion (bounded); its stdout, or an error naming the command and what it
said. `orphans`, if the bench is stopped meanwhile, kills what the CLI may have started detached.
*/
export async function runPeerCli(command: Command, timeoutMs: number, orphans?: () => void): Promise<string> {
	const child = childProcess.spawn(command.file, command.args, {env: command.env, detached: true, stdio: ['ignore', 'pipe', 'pipe']});
	const pid = child.pid;
	if (pid === undefined) {
		throw new Error(`cannot start ${command.file}`);
	}

	track(pid, () => {
		killGroup(pid);
		orphans?.();
	});
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		stdout += chunk;
	});
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
		stderr = (stderr + chunk).slice(-2000);
	});
	const what = [command.file, ...command.args].join(' ');
	try {
		const code = await new Promise<number | null>((resolve, reject) => {
			const timer = setTimeout(() => {
				reject(new Error(`${what} took over ${timeoutMs} ms`));
			}, timeoutMs);
			child.once('close', exitCode => {
				clearTimeout(timer);
				resolve(exitCode);
			});
		});
		if (code !== 0) {
			throw new Error(`${what} failed (exit ${code}): ${stderr.trim() || stdout.trim().slice(-500)}`);
		}

		return stdout;
	} finally {
		killGroup(pid);
		untrack(pid);
	}
}

/** Poll until `probe` holds, or throw after `timeoutMs` naming `what`; stops early (throwing) when `failed` says why. */
export async function waitFor(probe: () => boolean | Promise<boolean>, what: string, failed: () => string | undefined = () => undefined, timeoutMs = peerStartTimeoutMs): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await probe())) {
		const reason = failed();
		if (reason !== undefined) {
			throw new Error(`${what}: ${reason}`);
		}

		if (Date.now() > deadline) {
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		}

		await sleep(25);
	}
}

/** Whether a pid read from a pid file is alive and is the process named `comm` (`PM2 v7.0.4: God`: a prefix will do). */
export function isProcess(pid: number, commPrefix: string): boolean {
	return isAlive(pid) && (readStat(pid)?.comm.startsWith(commPrefix) ?? false);
}
