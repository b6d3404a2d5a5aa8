/** What a workload is to the runner: the rows it fills, how long it may take, and how it runs. */
import type {Sizes} from './options.js';
import type {PeerTool} from './peers.js';
import type {Measurement, PeerName} from './table.js';

export type Context = {
	readonly sizes: Sizes;
	/** Where this workload's daemon writes its CPU profile, when profiling. */
	readonly profileDir?: string;
	/** Aborted when the workload overruns its time; every wait checks it. */
	readonly signal: AbortSignal;
	/** The peers installed, to measure beside procui (W1–W4); the others are skipped. */
	readonly peers: readonly PeerTool[];
	/** A line of progress on stderr. */
	progress(message: string): void;
};

/** What a workload measured for one row; a row it leaves out is reported as failed. */
export type Values = {
	readonly procui?: number;
	readonly baseline?: number;
	/** The peers' values; a peer left out shows `—`. */
	readonly peers?: Readonly<Partial<Record<PeerName, number>>>;
	readonly note?: string;
};

export type Workload = {
	/** `w1`...`w5`, for `--only`. */
	readonly name: string;
	/** The rows, without values: figure, unit, baseline name and target. */
	plan(sizes: Sizes): Measurement[];
	/** The most it may take at these sizes, with `peers` peers to measure too; it is then aborted and its processes killed. */
	timeoutMs(sizes: Sizes, peers: number): number;
	/** Measure; values by row id. Cleans up everything it started, also when it throws. */
	run(context: Context): Promise<Readonly<Record<string, Values>>>;
};

/** Wait `ms`, or reject as soon as `signal` aborts. */
export async function pause(ms: number, signal: AbortSignal): Promise<void> {
	signal.throwIfAborted();
	await new Promise<void>((resolve, reject) => {
		const onAbort = (): void => {
			clearTimeout(timer);
			reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
		};

		const timer = setTimeout(() => {
			signal.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal.addEventListener('abort', onAbort, {once: true});
	});
}

/** Poll `probe` every `intervalMs` until it returns true; throws after `timeoutMs` naming `what`. */
export async function pollUntil(probe: () => boolean, options: {intervalMs: number; timeoutMs: number; what: string; signal: AbortSignal}): Promise<void> {
	const deadline = performance.now() + options.timeoutMs;
	while (!probe()) {
		if (performance.now() > deadline) {
			throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}`);
		}

		await pause(options.intervalMs, options.signal);
	}
}
