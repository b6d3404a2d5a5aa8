import {useMemo} from 'react';
import {padColumns} from '../text/ansi-text.js';
import {niceCeiling, renderChart} from '../charts/chart.js';
import {formatBytes, formatPercent} from '../text/format.js';
import {historyLength, type Samples} from '../live/history.js';
import {paint, type Color} from '../style/sgr.js';
import {Pane} from './Pane.js';
import {Rows} from './Rows.js';

type Props = {
	/** Whose history: "worker", "worker 1234". */
	readonly label: string | undefined;
	readonly samples: Samples | undefined;
	/** Bumped on every new sample: the charts are redrawn only then. */
	readonly version: number;
	readonly width: number;
	readonly height: number;
	/** The supervisor cannot be reached: the history stays, but the current values are unknown. */
	readonly unknown?: boolean;
};

/** Columns left of the plot: the scale ("100%", "512M") and the axis. */
const scaleWidth = 5;
const mib = 1024 * 1024;

type Series = {
	readonly name: string;
	readonly color: Color;
	readonly values: readonly number[];
	readonly format: (value: number) => string;
	readonly scale: (peak: number) => {max: number; label: string};
};

const cpuScale = (peak: number): {max: number; label: string} => {
	const max = niceCeiling(peak * 1.1, 1);
	return {max, label: `${max}%`};
};

const memoryScale = (peak: number): {max: number; label: string} => {
	const max = niceCeiling((peak * 1.1) / mib, 1);
	return {max: max * mib, label: max >= 1024 ? `${max / 1024}G` : `${max}M`};
};

/** A series as rows: a heading (name, now, peak), then the plot with its scale on the left. */
function seriesRows(series: Series, width: number, rows: number, unknown: boolean): string[] {
	const {values} = series;
	const current = values.at(-1);
	const peak = values.length === 0 ? 0 : Math.max(...values);
	const {max, label} = series.scale(peak);
	const plot = renderChart(values, {width: Math.max(1, width - scaleWidth - 1), height: Math.max(1, rows - 1), max, color: series.color});
	const heading = `${series.name} ${unknown ? '?' : current === undefined ? '–' : series.format(current)}`;
	const peakText = values.length === 0 ? 'no data yet' : `peak ${series.format(peak)}`;
	const room = width - heading.length - 1;
	return [
		paint(heading, {bold: true, color: series.color}) + (room >= peakText.length ? paint(padColumns(peakText, room + 1, 'right'), {color: 'gray'}) : ''),
		...plot.map((row, index) => paint(`${padColumns(index === 0 ? label : index === plot.length - 1 ? '0' : '', scaleWidth, 'right')}┤`, {color: 'gray'}) + row),
	];
}

/** How much history a plot of `samples` dots shows (one sample a second). */
function timeSpan(samples: number): string {
	return samples % 60 === 0 ? `${samples / 60} min` : `${samples} s`;
}

/** CPU over memory history of the selection, drawn on blessed-contrib's braille canvas. */
export function ChartPane({label, samples, version, width, height, unknown = false}: Props) {
	const inner = Math.max(2, height - 2);
	const cpuRows = Math.ceil(inner / 2);
	const memoryRows = inner - cpuRows;
	const rows = useMemo(() => {
		const cpu: Series = {name: 'CPU', color: 'cyan', values: samples?.cpu ?? [], format: formatPercent, scale: cpuScale};
		const memory: Series = {name: 'MEM', color: 'magenta', values: samples?.rss ?? [], format: formatBytes, scale: memoryScale};
		return [...seriesRows(cpu, width - 2, cpuRows, unknown), ...(memoryRows >= 2 ? seriesRows(memory, width - 2, memoryRows, unknown) : [])];
		// `version` stands for the samples, which grow in place.
	}, [samples, version, width, cpuRows, memoryRows, unknown]);
	return (
		<Pane title={label === undefined ? 'History' : `History · ${label}`} right={timeSpan(Math.min(historyLength, (width - 2 - scaleWidth - 1) * 2))} width={width} height={height} focused={false}>
			<Rows rows={rows} width={width - 2} height={inner}/>
		</Pane>
	);
}
