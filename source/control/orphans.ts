import os from 'node:os';
import path from 'node:path';
import type {Config} from '../config/types.js';
import {processGroup, readState, stillRunning, type ProcessMark} from '../io/state-file.js';
import {runtimeDirectory, toEndpoint, type Endpoint} from './endpoint.js';

/** How often survivors are looked at while they are being stopped. */
const pollMs = 50;

/** After SIGKILL, how long to wait for a survivor to be gone before saying it is not. */
const killWaitMs = 5000;

/**
Where the daemon writes down what it runs: beside the pidfile (`procui.pid` -> `procui.state`),
else beside the Unix socket (`procui.sock` -> `procui.state`), else, for a TCP endpoint, in the
per-user runtime folder (`procui-tcp-PORT.state`).
*/
export function stateFilePath(pidfile: string | undefined, endpoint: Endpoint | string): string | undefined {
	const beside = (file: string, extension: string): string => path.join(path.dirname(file), `${path.basename(file, path.extname(file) === extension ? extension : '')}.state`);
	if (pidfile) {
		return beside(pidfile, '.pid');
	}

	let target: Endpoint;
	try {
		target = toEndpoint(endpoint);
	} catch {
		// A bad endpoint: listening fails and says why; there is nothing to write down.
		return undefined;
	}

	if (target.transport === 'ipc') {
		return beside(target.path, '.sock');
	}

	// The per-user folder of the default socket, whatever $PROCUI_ENDPOINT says: never a folder
	// every user can write, such as the temporary one.
	return path.join(runtimeDirectory(), `procui-tcp-${target.port}.state`);
}

type Survivor = {
	readonly watcher: string;
	readonly mark: ProcessMark;
	readonly stopSignal: number;
	readonly gracefulTimeout: number;
};

type Log = (level: 'info' | 'warning' | 'error', message: string) => void;

/** Told, before a wait that holds the start up, how long it can last at most and why. */
export type StartWait = (seconds: number, why: string) => void;

/** Signal a survivor's process group when it still leads one (procui's children do), else itself. */
function signalSurvivor(mark: ProcessMark, signal: number): void {
	if (!stillRunning(mark)) {
		return;
	}

	try {
		process.kill(processGroup(mark.pid) === mark.pid ? -mark.pid : mark.pid, signal);
	} catch {
		// Gone meanwhile.
	}
}

async function waitGone(survivors: readonly Survivor[], ms: number): Promise<Survivor[]> {
	const deadline = Date.now() + ms;
	for (;;) {
		const left = survivors.filter((survivor) => stillRunning(survivor.mark));
		if (left.length === 0 || Date.now() >= deadline) {
			return left;
		}

		await new Promise((resolve) => setTimeout(resolve, pollMs));
	}
}

function list(survivors: readonly Survivor[]): string {
	return survivors.map((survivor) => `${survivor.watcher} ${survivor.mark.pid}`).join(', ');
}

/**
At start: the processes a previous daemon wrote down that still run, the very same ones (pid AND
start time: a reused pid is never touched). `kill` stops them as a stop would (each watcher's
stop signal to the group, SIGKILL after its graceful_timeout) before anything starts, so no
duplicate ever runs beside them; `warn` only logs them. Either way, what was done is logged.
Throws when the procui that wrote the file still runs: this one must not start.
*/
export async function handleSurvivors(file: string, config: Config, log: Log, endpoint: string, onWait?: StartWait): Promise<void> {
	const state = readState(file, (message) => {
		log('warning', message);
	});
	if (!state) {
		return;
	}

	if (stillRunning(state.supervisor)) {
		// Another procui supervises with this file (the same pidfile, socket path or port), its
		// processes running: starting beside it would run every watcher twice. Its socket may be
		// gone (removed by hand), so the endpoint's own check cannot be relied on to refuse.
		const pid = state.supervisor.pid;
		throw new Error(`procui ${pid} is running and supervises with this state file (${file}); a second supervisor would run its watchers twice. Stop it first: \`procui ctl --endpoint ${endpoint} quit\`, or \`kill -TERM ${pid}\` if its socket is gone`);
	}

	const survivors: Survivor[] = [];
	for (const [watcher, entry] of Object.entries(state.watchers)) {
		// The current configuration's stop settings when the watcher is still there.
		const current = config.watchers.find((candidate) => candidate.name === watcher);
		for (const mark of entry.processes) {
			if (mark.pid !== process.pid && stillRunning(mark)) {
				survivors.push({watcher, mark, stopSignal: current?.stopSignal ?? entry.stopSignal, gracefulTimeout: current?.gracefulTimeout ?? entry.gracefulTimeout});
			}
		}
	}

	if (survivors.length === 0) {
		return;
	}

	if (config.arbiter.orphans === 'warn') {
		log('warning', `orphans: ${survivors.length} process(es) of a previous procui (pid ${state.supervisor.pid}) still run and are left alone (procui.orphans = warn): ${list(survivors)}`);
		return;
	}

	log('warning', `orphans: ${survivors.length} process(es) of a previous procui (pid ${state.supervisor.pid}) still run; stopping them (procui.orphans = kill): ${list(survivors)}`);
	for (const survivor of survivors) {
		signalSurvivor(survivor.mark, survivor.stopSignal);
	}

	const graceful = Math.max(...survivors.map((survivor) => survivor.gracefulTimeout)) * 1000;
	onWait?.(Math.ceil((graceful + killWaitMs) / 1000), `stopping ${survivors.length} process(es) a previous procui left running`);
	let left = await waitGone(survivors, graceful);
	if (left.length > 0) {
		log('warning', `orphans: ${list(left)} did not stop within graceful_timeout; sending SIGKILL`);
		for (const survivor of left) {
			signalSurvivor(survivor.mark, os.constants.signals.SIGKILL);
		}

		left = await waitGone(left, killWaitMs);
	}

	if (left.length > 0) {
		log('error', `orphans: ${list(left)} still run after SIGKILL`);
	} else {
		log('info', `orphans: stopped ${list(survivors)}`);
	}
}
