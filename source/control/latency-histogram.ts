import type {Labels, PromText} from './prom-text.js';

/** Upper bounds in seconds: from a `status` answered at once to a `stop` waiting out a graceful timeout. */
const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] as const;

type Series = {counts: number[]; sum: number; count: number};

/**
How long control commands take, per command, from the request to its reply (queueing on the
scheduler and waiting for the effect included: what a client waits). Commands are a closed set, so
the label's cardinality is bounded; anything else is counted as `other`.
*/
export class LatencyHistogram {
	readonly #series = new Map<string, Series>();
	readonly #known: (command: string) => boolean;

	constructor(known: (command: string) => boolean) {
		this.#known = known;
	}

	observe(command: string, seconds: number): void {
		const label = this.#known(command) ? command : 'other';
		let series = this.#series.get(label);
		if (series === undefined) {
			series = {counts: latencyBuckets.map(() => 0), sum: 0, count: 0};
			this.#series.set(label, series);
		}

		for (const [index, bound] of latencyBuckets.entries()) {
			if (seconds <= bound) {
				series.counts[index]!++;
			}
		}

		series.sum += seconds;
		series.count++;
	}

	/** Append the family (cumulative buckets, `+Inf`, `_sum`, `_count`) to `text`. */
	write(text: PromText, name: string, help: string): void {
		text.family(name, 'histogram', help);
		for (const [command, series] of [...this.#series].sort(([a], [b]) => (a < b ? -1 : (a > b ? 1 : 0)))) {
			const labels: Labels = {command};
			for (const [index, bound] of latencyBuckets.entries()) {
				text.sample(`${name}_bucket`, {...labels, le: String(bound)}, series.counts[index]!);
			}

			text.sample(`${name}_bucket`, {...labels, le: '+Inf'}, series.count);
			text.sample(`${name}_sum`, labels, series.sum);
			text.sample(`${name}_count`, labels, series.count);
		}
	}
}
