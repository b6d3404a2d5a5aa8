/**
The Prometheus text exposition format (version 0.0.4): families of samples with `# HELP` and
`# TYPE` lines. Only what procui's metrics need: gauges, counters and histograms with labels.
*/

export type Labels = Readonly<Record<string, string | number>>;

type MetricType = 'gauge' | 'counter' | 'histogram';

/** Label values may hold anything a watcher name or a command may: escape `\`, `"` and newlines. */
function escapeLabel(value: string): string {
	return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

function escapeHelp(text: string): string {
	return text.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');
}

function formatValue(value: number): string {
	if (Number.isNaN(value)) {
		return 'NaN';
	}

	if (value === Number.POSITIVE_INFINITY) {
		return '+Inf';
	}

	return value === Number.NEGATIVE_INFINITY ? '-Inf' : String(value);
}

function formatLabels(labels: Labels): string {
	const entries = Object.entries(labels);
	if (entries.length === 0) {
		return '';
	}

	return `{${entries.map(([name, value]) => `${name}="${escapeLabel(String(value))}"`).join(',')}}`;
}

/** Builds one exposition: each family is declared once, then its samples follow. */
export class PromText {
	readonly #lines: string[] = [];

	/** Declare a family; `samples` are its name suffixes' values (for a histogram: `_bucket`, `_sum`, `_count`). */
	family(name: string, type: MetricType, help: string, samples: ReadonlyArray<readonly [Labels, number]> = []): this {
		this.#lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
		for (const [labels, value] of samples) {
			this.sample(name, labels, value);
		}

		return this;
	}

	/** One sample line; call right after its family. */
	sample(name: string, labels: Labels, value: number): this {
		this.#lines.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
		return this;
	}

	toString(): string {
		return `${this.#lines.join('\n')}\n`;
	}
}
