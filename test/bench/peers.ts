/**
The other supervisors the bench measures beside procui (issue 13): supervisord and PM2, when they
are installed. supervisord and supervisorctl are looked up on PATH; PM2 at PROCUI_BENCH_PM2 (the
path to its `pm2`), else on PATH. The bench never installs them (test/bench/install-peers.sh
does) and needs no network; a peer not found is a column of `—` and one line saying why.
*/
import fs from 'node:fs';
import path from 'node:path';
import type {PeerDaemon, PeerProgram} from './peer-daemon.js';
import {startPm2} from './peer-pm2.js';
import {startSupervisord} from './peer-supervisord.js';
import {peerLabels, type PeerName} from './table.js';

/** A peer found: what to run. */
export type PeerTool = {
	readonly name: PeerName;
	/** The daemon's executable: `supervisord`; PM2's `pm2` (which starts its daemon). */
	readonly daemon: string;
	/** The CLI: `supervisorctl`; `pm2`. */
	readonly cli: string;
};

export type Detection = {
	readonly found: readonly PeerTool[];
	/** One line per peer not found: `supervisord: not installed (...)`. */
	readonly absent: readonly string[];
};

const installHint = 'sh test/bench/install-peers.sh';

function isExecutableFile(file: string): boolean {
	try {
		fs.accessSync(file, fs.constants.X_OK);
		return fs.statSync(file).isFile();
	} catch {
		return false;
	}
}

/** `name` in one of PATH's folders, as a shell would find it; undefined when it is in none. */
export function findOnPath(name: string, pathVariable: string | undefined): string | undefined {
	for (const folder of (pathVariable ?? '').split(path.delimiter)) {
		if (folder !== '' && isExecutableFile(path.join(folder, name))) {
			return path.join(folder, name);
		}
	}

	return undefined;
}

/** Which peers are installed, by `env`'s PATH and PROCUI_BENCH_PM2. */
export function detectPeers(env: NodeJS.ProcessEnv = process.env): Detection {
	const found: PeerTool[] = [];
	const absent: string[] = [];
	const supervisord = findOnPath('supervisord', env.PATH);
	const supervisorctl = findOnPath('supervisorctl', env.PATH);
	if (supervisord && supervisorctl) {
		found.push({name: 'supervisord', daemon: supervisord, cli: supervisorctl});
	} else {
		const missing = supervisord ? 'supervisorctl' : 'supervisord';
		absent.push(`${peerLabels.supervisord}: not installed (no ${missing} on PATH; ${installHint}, or apt-get install supervisor)`);
	}

	const configured = env.PROCUI_BENCH_PM2;
	if (configured !== undefined && configured !== '') {
		if (isExecutableFile(configured)) {
			found.push({name: 'pm2', daemon: configured, cli: configured});
		} else {
			absent.push(`${peerLabels.pm2}: PROCUI_BENCH_PM2 is \`${configured}\`, which is not an executable file (${installHint} prints the path to export)`);
		}
	} else {
		const pm2 = findOnPath('pm2', env.PATH);
		if (pm2) {
			found.push({name: 'pm2', daemon: pm2, cli: pm2});
		} else {
			absent.push(`${peerLabels.pm2}: not installed (no pm2 on PATH and PROCUI_BENCH_PM2 unset; ${installHint}, then export the PROCUI_BENCH_PM2 it prints)`);
		}
	}

	return {found, absent};
}

/** Start `tool` on a config of `programs` in a folder of its own. */
export async function startPeer(tool: PeerTool, programs: readonly PeerProgram[]): Promise<PeerDaemon> {
	return tool.name === 'supervisord' ? startSupervisord(tool.daemon, tool.cli, programs) : startPm2(tool.cli, programs);
}

function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/**
A workload's peers, started on the same programs: each step runs on every peer still in the run;
a peer that fails is closed, left out of the figures (its cells are `—`) and named in the notes,
and the others go on. procui's own figures never depend on a peer.
*/
export class PeerRuns {
	readonly #live = new Map<PeerName, PeerDaemon>();
	readonly #failures: string[] = [];

	/** Start every tool on its `programs`; one that cannot start is a failure, not an error. */
	static async start(tools: readonly PeerTool[], programs: (peer: PeerName) => readonly PeerProgram[], progress: (message: string) => void): Promise<PeerRuns> {
		const runs = new PeerRuns();
		for (const tool of tools) {
			try {
				progress(`starting ${peerLabels[tool.name]} (${tool.daemon})`);
				runs.#live.set(tool.name, await startPeer(tool, programs(tool.name)));
			} catch (error) {
				runs.#failures.push(`${peerLabels[tool.name]} failed: ${errorText(error)}`);
			}
		}

		return runs;
	}

	/** The peers still in the run. */
	get daemons(): PeerDaemon[] {
		return [...this.#live.values()];
	}

	/** Run `step` on each peer in turn; one that throws is closed and out of the run. */
	async each(step: (daemon: PeerDaemon) => Promise<void>, signal: AbortSignal): Promise<void> {
		for (const daemon of this.daemons) {
			try {
				await step(daemon);
			} catch (error) {
				// The workload's own deadline is not the peer's failure: it ends the workload.
				signal.throwIfAborted();
				this.#failures.push(`${daemon.label} failed: ${errorText(error)}`);
				this.#live.delete(daemon.name);
				await daemon.close();
			}
		}
	}

	/** The peers' failures, one line each, for the notes. */
	failures(): string[] {
		return [...this.#failures];
	}

	/** By peer name, a summary of what each peer still in the run measured (one that failed has no figures). */
	values<T>(measured: ReadonlyMap<PeerName, T>, summary: (value: T) => number | undefined): Partial<Record<PeerName, number>> {
		const values: Partial<Record<PeerName, number>> = {};
		for (const [name, value] of measured) {
			const result = this.#live.has(name) ? summary(value) : undefined;
			if (result !== undefined) {
				values[name] = result;
			}
		}

		return values;
	}

	/** Close every peer still running. */
	async close(): Promise<void> {
		for (const daemon of this.#live.values()) {
			await daemon.close();
		}

		this.#live.clear();
	}
}
