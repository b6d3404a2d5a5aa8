/**
A history chart as text: the last samples of a series drawn as a braille line on
blessed-contrib's canvas (see braille-canvas.ts), one sample per dot column, newest on the right.
Pure: the same samples and size give the same rows; the caller memoises per sample.
*/
import {createBrailleContext} from './braille-canvas.js';

type ChartOptions = {
	/** Columns of the plot. */
	readonly width: number;
	/** Rows of the plot. */
	readonly height: number;
	/** The value drawn at the top row. */
	readonly max: number;
	/** A colour name the canvas knows (`cyan`, `magenta`, ...). */
	readonly color: string;
};

/** The rows of the plot, each exactly `width` columns. */
export function renderChart(values: readonly number[], options: ChartOptions): string[] {
	const width = Math.max(1, options.width);
	const height = Math.max(1, options.height);
	const context = createBrailleContext(width, height);
	const dotsWide = width * 2;
	const dotsHigh = height * 4;
	const shown = values.slice(Math.max(0, values.length - dotsWide));
	const offset = dotsWide - shown.length;
	const max = options.max > 0 ? options.max : 1;
	const y = (value: number): number => {
		const clamped = Math.min(Math.max(value, 0), max);
		return dotsHigh - 1 - Math.round((clamped / max) * (dotsHigh - 1));
	};

	context.strokeStyle = options.color;
	if (shown.length > 0) {
		context.beginPath();
		context.moveTo(offset, y(shown[0]!));
		// The first lineTo repeats the first point, so a single sample is a dot.
		for (const [index, value] of shown.entries()) {
			context.lineTo(offset + index, y(value));
		}

		context.stroke();
	}

	return context._canvas.frame().split('\n').slice(0, height).map((row) => joinColourRuns(row));
}

// eslint-disable-next-line no-control-regex -- matching escape sequences is the point
const sgr = /\u001B\[([\d;]*)m/gu;

/**
The row with each run of cells in one colour opened and closed once: the canvas colours every
cell on its own (`ESC[36m⣀ESC[39m ESC[36m⣀ESC[39m`), three times the text to write and to parse
each time the chart moves.
*/
export function joinColourRuns(row: string): string {
	let joined = '';
	let from = 0;
	let open = '';
	let closing = false;
	for (const match of row.matchAll(sgr)) {
		const text = row.slice(from, match.index);
		if (text.length > 0 && closing) {
			joined += '\u001B[39m';
			open = '';
			closing = false;
		}

		joined += text;
		from = match.index + match[0].length;
		const code = match[1]!;
		if (code === '39') {
			closing = true;
			continue;
		}

		if (closing && code === open) {
			// Closed and opened again in the same colour, with nothing between: drop both.
			closing = false;
			continue;
		}

		if (closing) {
			joined += '\u001B[39m';
			closing = false;
		}

		joined += match[0];
		open = code;
	}

	const rest = row.slice(from);
	if (closing && rest.length > 0) {
		joined += '\u001B[39m';
		closing = false;
	}

	return `${joined}${rest}${closing ? '\u001B[39m' : ''}`;
}

/** A round upper bound for a chart's scale: 1, 2 or 5 times a power of ten, at least `floor`. */
export function niceCeiling(value: number, floor: number): number {
	const target = Math.max(value, floor);
	const power = 10 ** Math.floor(Math.log10(target));
	for (const step of [1, 2, 5, 10]) {
		if (step * power >= target) {
			return step * power;
		}
	}

	return 10 * power;
}
