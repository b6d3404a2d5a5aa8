/**
CPU and memory history for the charts, kept in the UI from `stats` events (one a second): the
last `historyLength` samples of every watcher and every live process. Nothing is sampled here;
the supervisor samples /proc off the render path and this only files its numbers.
*/
import type {Overview} from '../../control/rows.js';

/** Samples kept per series: two minutes at one a second. */
export const historyLength = 120;

/** One series' samples, oldest first. */
export type Samples = {
	/** CPU percent (100 = one core). */
	readonly cpu: number[];
	/** Resident bytes. */
	readonly rss: number[];
};

/** The key of a watcher's series or a process's. */
export function seriesKey(target: {readonly watcher: string; readonly pid?: number}): string {
	return target.pid === undefined ? `watcher:${target.watcher}` : `process:${target.pid}`;
}

export class History {
	readonly #series = new Map<string, Samples>();
	/** Bumped on every sample. */
	version = 0;

	get(key: string): Samples | undefined {
		return this.#series.get(key);
	}

	/** File one `stats` sample; series of watchers and processes no longer present are dropped. */
	add(overview: Overview): void {
		const seen = new Set<string>();
		const push = (key: string, cpu: number, rss: number): void => {
			seen.add(key);
			let samples = this.#series.get(key);
			if (samples === undefined) {
				samples = {cpu: [], rss: []};
				this.#series.set(key, samples);
			}

			samples.cpu.push(cpu);
			samples.rss.push(rss);
			if (samples.cpu.length > historyLength) {
				samples.cpu.shift();
				samples.rss.shift();
			}
		};

		for (const watcher of overview.watchers) {
			push(seriesKey({watcher: watcher.name}), watcher.cpu, watcher.rss);
			for (const process of watcher.processes) {
				push(seriesKey({watcher: watcher.name, pid: process.pid}), process.cpu, process.rss);
			}
		}

		for (const key of this.#series.keys()) {
			if (!seen.has(key)) {
				this.#series.delete(key);
			}
		}

		this.version++;
	}
}
