/**
The suite's one table: each figure with procui's value, a baseline measured in the same run, their
ratio, the target and whether it is met; printed as text, written as Markdown and JSON.
The peers (supervisord, PM2) follow as two more columns: what they measured in the same run, or
`—` (not installed, no equivalent, failed: the notes say which).
*/

/** One bound: on procui's own value or on its ratio to the baseline. */
export type Limit = {
	/** What the limit applies to. */
	readonly on: 'value' | 'ratio';
	/** At most (lower is better) or at least (higher is better). */
	readonly atMost: boolean;
	readonly limit: number;
};

/** A target from the issues: one bound, or two that must both hold. */
export type Target = Limit & {
	/** As the issue writes it: `≤ 0.3 s`, `≥ 85 % of script -qfc`. */
	readonly text: string;
	/** A second bound the figure must meet as well (`≤ 0.3 s and ≤ 2× the sh loop`). */
	readonly also?: Limit;
};

/** The other supervisors measured beside procui (issue 13), in column order. */
export const peerNames = ['supervisord', 'pm2'] as const;
export type PeerName = typeof peerNames[number];
/** Column headers, and how notes name them. */
export const peerLabels: Readonly<Record<PeerName, string>> = {supervisord: 'supervisord', pm2: 'PM2'};

/** One figure, as a workload reports it. */
export type Measurement = {
	/** Stable key for the JSON: `w1.spawn`. */
	readonly id: string;
	/** As in the table, with this run's sizes: `W1 all 100 running`. */
	readonly figure: string;
	readonly unit: string;
	/** Undefined when the workload failed or the figure is not measured yet. */
	readonly procui?: number;
	readonly baseline?: number;
	/** What the baseline is: `sh loop`, `script -qfc`. */
	readonly baselineName: string;
	/** The same figure for each peer measured: same sizes, same run, same accounting. Never judged against the target. */
	readonly peers?: Readonly<Partial<Record<PeerName, number>>>;
	readonly target?: Target;
	/** Anything a reader needs: sizes, spread, why it was not measured. */
	readonly note?: string;
};

export type Outcome = 'pass' | 'miss' | 'info' | 'error' | 'not measured';

/** A measurement with its ratio and outcome. */
export type Row = Measurement & {
	/** procui ÷ baseline. */
	readonly ratio?: number;
	readonly outcome: Outcome;
};

export function evaluate(measurement: Measurement): Row {
	const {procui, baseline, target} = measurement;
	const ratio = procui !== undefined && baseline !== undefined && baseline !== 0 ? procui / baseline : undefined;
	let outcome: Outcome;
	if (procui === undefined) {
		outcome = measurement.note?.startsWith('not measured') ? 'not measured' : 'error';
	} else if (!target) {
		outcome = 'info';
	} else {
		const verdicts = [target, ...(target.also ? [target.also] : [])].map((limit) => {
			const subject = limit.on === 'value' ? procui : ratio;
			if (subject === undefined) {
				return 'error';
			}

			return (limit.atMost ? subject <= limit.limit : subject >= limit.limit) ? 'pass' : 'miss';
		});
		outcome = verdicts.includes('error') ? 'error' : (verdicts.includes('miss') ? 'miss' : 'pass');
	}

	return {...measurement, ...(ratio === undefined ? {} : {ratio}), outcome};
}

/** Three significant figures, without exponent notation for the sizes here. */
export function formatNumber(value: number | undefined): string {
	if (value === undefined || Number.isNaN(value)) {
		return '—';
	}

	if (value === 0) {
		return '0';
	}

	const magnitude = Math.abs(value);
	if (magnitude >= 100) {
		return value.toFixed(0);
	}

	if (magnitude >= 0.001) {
		return value.toPrecision(3).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
	}

	return value.toExponential(2);
}

function withUnit(value: number | undefined, unit: string): string {
	return value === undefined ? '—' : `${formatNumber(value)} ${unit}`.trim();
}

const headers = ['figure', 'procui', 'baseline', 'ratio', 'target', 'result', ...peerNames.map(name => peerLabels[name])];

function cells(row: Row): string[] {
	const procui = row.procui === undefined ? (row.outcome === 'not measured' ? 'not measured yet' : 'failed') : withUnit(row.procui, row.unit);
	const baseline = row.baseline === undefined ? row.baselineName : `${withUnit(row.baseline, row.unit)} (${row.baselineName})`;
	const peers = peerNames.map(name => withUnit(row.peers?.[name], row.unit));
	return [row.figure, procui, baseline, row.ratio === undefined ? '—' : `${formatNumber(row.ratio)}×`, row.target?.text ?? '—', row.outcome, ...peers];
}

/** The table as aligned plain text, notes below it. */
export function textTable(rows: readonly Row[]): string {
	const body = rows.map(row => cells(row));
	const widths = headers.map((header, column) => Math.max(header.length, ...body.map(line => line[column]!.length)));
	const line = (values: readonly string[]): string => values.map((value, column) => value.padEnd(widths[column]!)).join('  ').trimEnd();
	const rule = widths.map(width => '-'.repeat(width)).join('  ');
	return [line(headers), rule, ...body.map(values => line(values))].join('\n');
}

function escapeCell(text: string): string {
	return text.replaceAll('|', '\\|');
}

/** The table as GitHub Markdown. */
export function markdownTable(rows: readonly Row[]): string {
	return [
		`| ${headers.join(' | ')} |`,
		`|${headers.map(() => '---').join('|')}|`,
		...rows.map(row => `| ${cells(row).map(cell => escapeCell(cell)).join(' | ')} |`),
	].join('\n');
}

/** The notes of the rows that have one, numbered by figure. */
export function notes(rows: readonly Row[]): string[] {
	return rows.filter(row => row.note).map(row => `${row.figure}: ${row.note}`);
}
