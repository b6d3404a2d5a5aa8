/**
A history chart as text: the last samples of a series drawn as a braille line on
blessed-contrib's canvas (see braille-canvas.ts), one sample per dot column, newest on the right.
Pure: the same samples and size give the same rows; the caller memoises per sample, and a
new sample that moves no dot gives the last picture again.
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

/**
A picture drawn: where its dots are, and its rows. And the canvas it was drawn on, kept only so
that the canvas's shape lives: V8 holds the shapes (maps) of objects a constructor builds weakly
once no object of that shape is left, so a full collection between two draws would drop them,
throw away the canvas code compiled for them ("weak objects" deoptimizations) and compile it again
on the next draws, a few times a minute for as long as the UI runs.
*/
type Drawn = {readonly offset: number; readonly dots: Int32Array; readonly rows: string[]; readonly canvas: unknown};

/**
The last picture of each chart (by colour and size): when a new sample leaves every dot where it
was (an idle process's flat line, second after second), the chart is not drawn again.
*/
const drawn = new Map<string, Drawn>();
/** At most this many pictures are kept (a few charts, each at a size or two). */
const drawnLimit = 16;
let scratch = new Int32Array(256);

/** The rows of the plot, each exactly `width` columns. */
export function renderChart(values: readonly number[], options: ChartOptions): string[] {
	const width = Math.max(1, options.width);
	const height = Math.max(1, options.height);
	const dotsWide = width * 2;
	const dotsHigh = height * 4;
	const first = Math.max(0, values.length - dotsWide);
	const count = values.length - first;
	const offset = dotsWide - count;
	const max = options.max > 0 ? options.max : 1;
	if (scratch.length < count) {
		scratch = new Int32Array(count);
	}

	for (let index = 0; index < count; index++) {
		const clamped = Math.min(Math.max(values[first + index]!, 0), max);
		scratch[index] = dotsHigh - 1 - Math.round((clamped / max) * (dotsHigh - 1));
	}

	const key = `${options.color} ${width}x${height}`;
	const last = drawn.get(key);
	if (last !== undefined && last.offset === offset && last.dots.length === count && last.dots.every((dot, index) => dot === scratch[index])) {
		return last.rows;
	}

	const context = createBrailleContext(width, height);
	context.strokeStyle = options.color;
	if (count > 0) {
		context.beginPath();
		context.moveTo(offset, scratch[0]!);
		// The first lineTo repeats the first point, so a single sample is a dot.
		for (let index = 0; index < count; index++) {
			context.lineTo(offset + index, scratch[index]!);
		}

		context.stroke();
	}

	const rows = context._canvas.frame().split('\n').slice(0, height).map((row) => joinColourRuns(row));
	if (drawn.size >= drawnLimit && last === undefined) {
		drawn.clear();
	}

	drawn.set(key, {offset, dots: scratch.slice(0, count), rows, canvas: context});
	return rows;
}

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
	// Each `ESC[…m` in turn, found by hand: a regular expression's matches are an object each.
	for (let start = row.indexOf('\u001B['); start !== -1; start = row.indexOf('\u001B[', from)) {
		const end = row.indexOf('m', start + 2);
		if (end === -1) {
			break;
		}

		const text = row.slice(from, start);
		if (text.length > 0 && closing) {
			joined += '\u001B[39m';
			open = '';
			closing = false;
		}

		joined += text;
		from = end + 1;
		const code = row.slice(start + 2, end);
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

		joined += row.slice(start, from);
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
