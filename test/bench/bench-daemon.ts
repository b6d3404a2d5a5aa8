/**
The supervisor under test: the built `procui daemon` on a config written into a fresh folder,
optionally under `node --cpu-prof`. Stopping it is bounded: `quit`, then (if it hangs) freeze it,
SIGKILL it and the process group of every child it still has.
*/
import childProcess from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {SocketClient} from '../../source/control/client.js';
import {isErrorReply, type Properties, type Reply} from '../../source/control/protocol.js';
import {killGroup, sleep, track, untrack, within} from './cleanup.js';
import {childrenOf, isAlive, readStat} from './procfs.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The built procui. */
export const cliPath = path.join(repoRoot, 'dist', 'cli.js');
let cli = cliPath;

/** Benchmark another entry point that takes procui's arguments (`--cli`): an A/B of a change. */
export function useCli(file: string): void {
	cli = file;
}

/** The procui entry point being measured. */
export function cliFile(): string {
	return cli;
}

/** How long the daemon gets to listen, and to quit, before it is killed. */
const startTimeoutMs = 15_000;
const quitTimeoutMs = 20_000;

export type BenchDaemon = {
	readonly pid: number;
	readonly dir: string;
	readonly endpoint: string;
	readonly client: SocketClient;
	/** The tail of what the daemon wrote to stderr (warnings and errors only). */
	stderr(): string;
	/** Call and expect an ok reply. */
	ok(command: string, properties?: Properties, timeoutMs?: number): Promise<Reply>;
	/** A child the workload saw (pid and its command name): killed with its group if still there at stop. */
	adopt(pid: number): void;
	/** Quit, or kill; remove the folder. Idempotent. */
	stop(): Promise<void>;
};

export type DaemonOptions = {
	/** Write a CPU profile of the daemon into this folder (`node --cpu-prof`). */
	readonly profileDir?: string;
};

export function makeTempDir(prefix: string): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
SIGSTOP the daemon (or the TUI, which is one too) so it spawns nothing more, SIGKILL it and every
child's process group, and the group of every adopted child still there. Synchronous. `pid` undefined: the daemon has exited
(and been reaped, so its number is not to be signalled).
*/
export function killDaemonTree(pid: number | undefined, adopted: ReadonlyMap<number, string> = new Map()): void {
	const groups = new Set<number>();
	if (pid !== undefined) {
		try {
			process.kill(pid, 'SIGSTOP');
		} catch {
			// Gone already; its adopted children may not be.
		}

		for (const child of childrenOf(pid)) {
			groups.add(child.pid);
		}
	}

	for (const [child, comm] of adopted) {
		const stat = readStat(child);
		// Only while it is still the same process leading its own group: a pid can be reused.
		if (stat && stat.state !== 'Z' && stat.pgrp === child && stat.comm === comm) {
			groups.add(child);
		}
	}

	if (pid !== undefined) {
		try {
			process.kill(pid, 'SIGKILL');
		} catch {
			// Gone already.
		}
	}

	for (const group of groups) {
		killGroup(group);
	}
}

export async function startBenchDaemon(configText: string, options: DaemonOptions = {}): Promise<BenchDaemon> {
	const dir = makeTempDir('procui-bench-');
	const configFile = path.join(dir, 'circus.ini');
	fs.writeFileSync(configFile, configText);
	const endpoint = `ipc://${path.join(dir, 'procui.sock')}`;
	const nodeArgs = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
	const child = childProcess.spawn(process.execPath, [...nodeArgs, cli, 'daemon', configFile, '--endpoint', endpoint, '--log-level', 'warning'], {
		cwd: dir,
		stdio: ['ignore', 'ignore', 'pipe'],
	});
	const pid = child.pid;
	if (pid === undefined) {
		throw new Error(`cannot start ${cli} daemon`);
	}

	const adopted = new Map<number, string>();
	track(pid, () => {
		killDaemonTree(exited ? undefined : pid, adopted);
	});
	let exited = false;
	let stderr = '';
	child.stderr!.setEncoding('utf8');
	child.stderr!.on('data', (chunk: string) => {
		stderr = (stderr + chunk).slice(-4000);
	});
	const exit = new Promise<void>(resolve => {
		child.once('exit', () => {
			exited = true;
			resolve();
		});
	});

	let client: SocketClient | undefined;
	const deadline = Date.now() + startTimeoutMs;
	while (!client) {
		if (exited) {
			untrack(pid);
			throw new Error(`the daemon exited before listening: ${stderr.trim()}`);
		}

		try {
			client = await SocketClient.connect(endpoint, {timeoutMs: 30_000});
		} catch (error) {
			if (Date.now() > deadline) {
				killDaemonTree(pid, adopted);
				untrack(pid);
				throw new Error(`the daemon did not listen within ${startTimeoutMs} ms: ${error instanceof Error ? error.message : String(error)}; ${stderr.trim()}`);
			}

			await sleep(25);
		}
	}

	const connected = client;
	let stopped = false;
	return {
		pid,
		dir,
		endpoint,
		client: connected,
		stderr: () => stderr,
		async ok(command, properties = {}, timeoutMs) {
			const reply = await connected.call(command, properties, timeoutMs === undefined ? {} : {timeoutMs});
			if (isErrorReply(reply)) {
				throw new Error(`${command} failed: ${reply.reason}`);
			}

			return reply;
		},
		adopt(childPid) {
			const stat = readStat(childPid);
			if (stat) {
				adopted.set(childPid, stat.comm);
			}
		},
		async stop() {
			if (stopped) {
				return;
			}

			stopped = true;
			if (!exited) {
				await connected.call('quit', {}, {timeoutMs: quitTimeoutMs}).catch(() => undefined);
				await within(exit, quitTimeoutMs);
			}

			await connected.close().catch(() => undefined);
			// A clean quit leaves nothing; this catches a hung daemon and anything it left behind.
			const hung = !exited;
			killDaemonTree(hung ? pid : undefined, adopted);
			if (hung) {
				await within(exit, 5000);
				if (!exited && isAlive(pid)) {
					throw new Error(`the daemon ${pid} survived SIGKILL`);
				}
			}

			untrack(pid);
			fs.rmSync(dir, {recursive: true, force: true});
		},
	};
}
