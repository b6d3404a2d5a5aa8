/**
Ink's frame assembly, made to cost what changed rather than the whole screen.

Each frame Ink lays the tree out, collects the text to write (`Output.write`, one operation per
<Text>), and `Output.get` turns the operations into the frame: it tokenizes every written line
into styled characters, places them on a grid of the full screen and serializes every row again
(ink 6.8 `output.js`), with caches that live for that one frame. On procui's screen, where a
stats event a second changes a few cells (an age, a chart's right edge), that was most of the
idle CPU: about 11 ms a frame at 160×48, every second, and 2.5 MB of garbage.

This keeps the rows of the previous frame, each with what was written into it (column and text,
in order): a row written the same way as before is the same row, and only the others are built,
from the segments of their lines (each line's serialized pieces, kept from the previous frame
too); a line of plain characters and SGR sequences, nearly all of procui's, is read straight
into its segment, any other is tokenized as Ink does; a row whose lines overlap is left to Ink's
own `get` on a one-row output. The result is exactly Ink's (test/ui/ink-row-cache.test.ts
compares the two over random frames, and the plain reading with tokenizing over random lines).
Installed once, for the process, when the UI loads; with an Ink whose `Output` does not look
like 6.8's, nothing is changed.
*/
import {createRequire} from 'node:module';
import {ansiCodesToString, diffAnsiCodes, reduceAnsiCodesIncremental, tokenize, type styledCharsToString} from '@alcalzone/ansi-tokenize';
import {pathToFileURL} from 'node:url';

type StyledChar = unknown;

/** What Ink 6.8's `OutputCaches` has (per frame). */
type InkCaches = {
	readonly styledChars: Map<string, StyledChar[]>;
	readonly widths: Map<string, number>;
	readonly blockWidths: Map<string, number>;
	getStyledChars(line: string): StyledChar[];
	getStringWidth(text: string): number;
	getWidestLine(text: string): number;
};

type Clip = {readonly x1?: number; readonly x2?: number; readonly y1?: number; readonly y2?: number};

type Operation =
	| {readonly type: 'write'; readonly x: number; readonly y: number; readonly text: string; readonly transformers: ReadonlyArray<(line: string, index: number) => string>}
	| {readonly type: 'clip'; readonly clip: Clip}
	| {readonly type: 'unclip'};

/** What Ink 6.8's `Output` has. */
export type InkOutput = {
	width: number;
	height: number;
	operations: Operation[];
	caches: InkCaches;
	get(): {output: string; height: number};
};

export type InkOutputClass = {
	new (options: {width: number; height: number}): InkOutput;
	prototype: InkOutput;
};

type SliceAnsi = (text: string, from: number, to?: number) => string;

/** One row of a frame: what was written into it (column, text; in order), and the row it made. */
/** A row of the last frame: the frame's width, what was written into it, and the text made of that. */
type Row = {readonly width: number; readonly entries: ReadonlyArray<[number, string]>; readonly text: string};

/** Whether a row gets the same writes (column and text, in order) as a row of the last frame. */
function sameWrites(row: Row, width: number, entries: ReadonlyArray<[number, string]>): boolean {
	if (row.width !== width || row.entries.length !== entries.length) {
		return false;
	}

	for (let index = 0; index < entries.length; index++) {
		const entry = entries[index]!;
		const known = row.entries[index]!;
		if (entry[0] !== known[0] || entry[1] !== known[1]) {
			return false;
		}
	}

	return true;
}

/** `key`'s value from the previous frame's map (kept in this frame's too), or computed by this frame's cache. */
function reuse<T>(key: string, previous: ReadonlyMap<string, T>, fresh: Map<string, T>, compute: (key: string) => T): T {
	const known = previous.get(key);
	if (known === undefined) {
		return compute(key);
	}

	fresh.set(key, known);
	return known;
}

/** Caches that answer from the previous frame's, then from this frame's own (Ink's). */
function generational(fresh: InkCaches, previous: InkCaches | undefined): InkCaches {
	if (previous === undefined) {
		return fresh;
	}

	return {
		styledChars: fresh.styledChars,
		widths: fresh.widths,
		blockWidths: fresh.blockWidths,
		getStyledChars: (line) => reuse(line, previous.styledChars, fresh.styledChars, (text) => fresh.getStyledChars(text)),
		getStringWidth: (text) => reuse(text, previous.widths, fresh.widths, (key) => fresh.getStringWidth(key)),
		getWidestLine: (text) => reuse(text, previous.blockWidths, fresh.blockWidths, (key) => fresh.getWidestLine(key)),
	};
}

/**
The lines each row of the frame gets, as Ink 6.8's `Output.get` places them: clipped, transformed,
in the order written. `undefined` when a line holds a newline after its transformers (Ink would
put the newline into the row itself; the caller lets Ink build such a frame whole).
*/
function rowWrites(output: InkOutput, caches: InkCaches, sliceAnsi: SliceAnsi): Array<Array<[number, string]>> | undefined {
	const rows: Array<Array<[number, string]>> = Array.from({length: output.height}, () => []);
	const clips: Clip[] = [];
	for (const operation of output.operations) {
		if (operation.type === 'clip') {
			clips.push(operation.clip);
			continue;
		}

		if (operation.type === 'unclip') {
			clips.pop();
			continue;
		}

		const {text, transformers} = operation;
		let {x, y} = operation;
		let lines = text.includes('\n') ? text.split('\n') : [text];
		const clip = clips.at(-1);
		if (clip) {
			const clipHorizontally = typeof clip.x1 === 'number' && typeof clip.x2 === 'number';
			const clipVertically = typeof clip.y1 === 'number' && typeof clip.y2 === 'number';
			if (clipHorizontally) {
				const width = caches.getWidestLine(text);
				if (x + width < clip.x1! || x > clip.x2!) {
					continue;
				}
			}

			if (clipVertically) {
				const height = lines.length;
				if (y + height < clip.y1! || y > clip.y2!) {
					continue;
				}
			}

			if (clipHorizontally) {
				lines = lines.map((line) => {
					const from = x < clip.x1! ? clip.x1! - x : 0;
					const width = caches.getStringWidth(line);
					const to = x + width > clip.x2! ? clip.x2! - x : width;
					return sliceAnsi(line, from, to);
				});
				if (x < clip.x1!) {
					x = clip.x1!;
				}
			}

			if (clipVertically) {
				const from = y < clip.y1! ? clip.y1! - y : 0;
				const height = lines.length;
				const to = y + height > clip.y2! ? clip.y2! - y : height;
				lines = lines.slice(from, to);
				if (y < clip.y1!) {
					y = clip.y1!;
				}
			}
		}

		let offsetY = 0;
		for (let index = 0; index < lines.length; index++) {
			const row = rows[y + offsetY];
			// As Ink: a line past the grid is skipped, and the next one goes to the same place.
			if (row === undefined) {
				continue;
			}

			let line = lines[index]!;
			for (let transformer = 0; transformer < transformers.length; transformer++) {
				line = transformers[transformer]!(line, index);
			}

			if (line.includes('\n')) {
				return undefined;
			}

			row.push([x, line]);
			offsetY++;
		}
	}

	return rows;
}

/**
One written line on its own, in the pieces Ink's serializer makes of it: the codes that open its
first cell's style, the text from the first cell to the last (with the changes of style between
them), the codes that close its last cell's style; its width in columns.
*/
export type Segment = {
	readonly head: string;
	readonly body: string;
	readonly tail: string;
	readonly width: number;
	readonly firstStyles: StyledCell['styles'];
	readonly lastStyles: StyledCell['styles'];
};

type StyledCell = Parameters<typeof styledCharsToString>[0][number];

/** Whether two cells' styles are the same codes (then Ink's serializer writes nothing between them). */
function sameStyles(a: StyledCell['styles'], b: StyledCell['styles']): boolean {
	if (a === b) {
		return true;
	}

	if (a.length !== b.length) {
		return false;
	}

	for (const [index, code] of a.entries()) {
		const other = b[index]!;
		if (code.code !== other.code || code.endCode !== other.endCode) {
			return false;
		}
	}

	return true;
}

/**
Ink's serializer (ansi-tokenize's `styledCharsToString`) for one segment, split into its pieces,
without building the sets it builds to compare every pair of neighbouring cells: most neighbours
have the same style, and between those it writes nothing.
*/
function toSegment(cells: readonly StyledCell[], width: number): Segment {
	const first = cells[0];
	const last = cells.at(-1);
	if (first === undefined || last === undefined) {
		return {head: '', body: '', tail: '', width: 0, firstStyles: [], lastStyles: []};
	}

	let body = first.value;
	for (let index = 1; index < cells.length; index++) {
		const previous = cells[index - 1]!;
		const cell = cells[index]!;
		if (!sameStyles(previous.styles, cell.styles)) {
			body += ansiCodesToString(diffAnsiCodes(previous.styles, cell.styles));
		}

		body += cell.value;
	}

	return {
		head: ansiCodesToString(first.styles),
		body,
		tail: ansiCodesToString(diffAnsiCodes(last.styles, [])),
		width,
		firstStyles: first.styles,
		lastStyles: last.styles,
	};
}

/**
A row put together from its segments, with the bytes Ink's serializer gives the whole row (it
writes the shortest change of style between neighbouring cells: from a segment's last cell to
a blank, from a blank to the next segment's first cell, or straight from one to the next where
they touch). Undefined when segments overlap or reach past the row, which Ink's own build handles.
*/
function joinSegments(entries: ReadonlyArray<[number, string]>, width: number, segment: (line: string) => Segment): string | undefined {
	let text = '';
	let column = 0;
	let previous: Segment | undefined;
	// Written in any order (a box's borders before its content); where nothing overlaps, the order does not matter.
	const ordered = entries.length > 1 ? entries.toSorted((a, b) => a[0] - b[0]) : entries;
	for (let index = 0; index < ordered.length; index++) {
		const x = ordered[index]![0];
		const next = segment(ordered[index]![1]);
		if (next.width === 0) {
			continue;
		}

		if (x < column || x + next.width > width) {
			return undefined;
		}

		if (previous !== undefined && x === column) {
			text += ansiCodesToString(diffAnsiCodes(previous.lastStyles, next.firstStyles));
		} else {
			text += `${previous?.tail ?? ''}${' '.repeat(x - column)}${next.head}`;
		}

		text += next.body;
		column = x + next.width;
		previous = next;
	}

	return `${text}${previous?.tail ?? ''}`.trimEnd();
}

/**
Whether a UTF-16 unit is, wherever it stands, a character of its own (a grapheme cluster by
itself, which no neighbour joins) and not a control: printable ASCII; Latin-1 to the spacing
modifier letters; punctuation, symbols, arrows, box drawing, blocks, shapes, dingbats and
braille, less the invisible formatting characters and the combining marks for symbols among them.
What procui's frames are made of, nearly always.
*/
function standsAlone(unit: number): boolean {
	if (unit < 0x7F) {
		return unit >= 0x20;
	}

	if (unit < 0x3_00) {
		return unit >= 0xA0;
	}

	return unit >= 0x20_00 && unit < 0x2C_00
		&& !(unit >= 0x20_0B && unit <= 0x20_0F)
		&& !(unit >= 0x20_28 && unit <= 0x20_2E)
		&& !(unit >= 0x20_60 && unit <= 0x20_6F)
		&& !(unit >= 0x20_D0 && unit <= 0x20_FF);
}

type AnsiCodes = Parameters<typeof reduceAnsiCodesIncremental>[1];

/** The tokens of SGR sequences seen (a screen uses a few dozen), which nothing changes. */
const sgrTokensSeen = new Map<string, AnsiCodes>();

/** An SGR sequence's own tokens, as tokenizing a whole line gives them (a compound split into its codes). */
function sgrTokens(sequence: string): AnsiCodes {
	let tokens = sgrTokensSeen.get(sequence);
	if (tokens === undefined) {
		tokens = tokenize(sequence) as AnsiCodes;
		if (sgrTokensSeen.size >= 512) {
			sgrTokensSeen.clear();
		}

		sgrTokensSeen.set(sequence, tokens);
	}

	return tokens;
}

/**
The segment of a line made only of characters that stand alone (above) and SGR sequences, read
straight from the line: the same pieces as tokenizing it into styled characters (one object per
character, through a grapheme segmenter) and `toSegment`, without building a cell for each
character. Undefined for any other line, which takes that way: another escape sequence, a
control, a combining mark, an astral character. Exported for its test against the other way.
*/
export function plainSegment(line: string, widthOf: (text: string) => number): Segment | undefined {
	let styles: StyledCell['styles'] = [];
	let first: StyledCell['styles'] | undefined;
	let last: StyledCell['styles'] = [];
	let head = '';
	let body = '';
	let width = 0;
	let from = 0;
	const run = (to: number): void => {
		if (to === from) {
			return;
		}

		if (first === undefined) {
			first = styles;
			head = ansiCodesToString(styles);
		} else if (!sameStyles(last, styles)) {
			body += ansiCodesToString(diffAnsiCodes(last, styles));
		}

		body += line.slice(from, to);
		last = styles;
	};

	let index = 0;
	while (index < line.length) {
		const unit = line.charCodeAt(index);
		if (unit === 0x1B) {
			run(index);
			if (line.charCodeAt(index + 1) !== 0x5B) {
				return undefined;
			}

			let end = index + 2;
			while (end < line.length) {
				const next = line.charCodeAt(end);
				if (next !== 0x3B && (next < 0x30 || next > 0x39)) {
					break;
				}

				end++;
			}

			if (line.charCodeAt(end) !== 0x6D) {
				return undefined;
			}

			styles = reduceAnsiCodesIncremental(styles, sgrTokens(line.slice(index, end + 1)));
			index = end + 1;
			from = index;
			continue;
		}

		if (!standsAlone(unit)) {
			return undefined;
		}

		width += unit < 0x7F ? 1 : Math.max(1, widthOf(line[index]!));
		index++;
	}

	run(index);
	if (first === undefined) {
		return {head: '', body: '', tail: '', width: 0, firstStyles: [], lastStyles: []};
	}

	return {head, body, tail: ansiCodesToString(diffAnsiCodes(last, [])), width, firstStyles: first, lastStyles: last};
}

/** Make `Output.get` of `Output` (Ink 6.8's class) build only the rows that changed since its last frame. */
export function cacheRows(Output: InkOutputClass, sliceAnsi: SliceAnsi): void {
	const inkGet = Output.prototype.get;
	let previousRows: Row[] = [];
	/**
	The last frame's caches, and its Output, kept only so that Output's shape lives: V8 holds the
	shapes (maps) of objects a constructor builds weakly once no object of that shape is left, so a
	full collection between two frames would drop it and throw away the code compiled for it
	("weak objects" deoptimizations), to be compiled again on the next frames, a few times a
	minute for as long as the UI runs.
	*/
	let previous: {readonly output: InkOutput; readonly caches: InkCaches} | undefined;
	let previousSegments = new Map<string, Segment>();
	Output.prototype.get = function (this: InkOutput) {
		const caches = generational(this.caches, previous?.caches);
		previous = {output: this, caches: this.caches};
		this.caches = caches;
		const segments = new Map<string, Segment>();
		const widthOf = (text: string): number => caches.getStringWidth(text);
		const segment = (line: string): Segment => {
			let known = segments.get(line) ?? previousSegments.get(line);
			known ??= plainSegment(line, widthOf);
			if (known === undefined) {
				const cells = caches.getStyledChars(line) as StyledCell[];
				let width = 0;
				for (const cell of cells) {
					width += Math.max(1, caches.getStringWidth(cell.value));
				}

				known = toSegment(cells, width);
			}

			segments.set(line, known);
			return known;
		};

		const writes = rowWrites(this, caches, sliceAnsi);
		if (writes === undefined) {
			previousRows = [];
			previousSegments = segments;
			return inkGet.call(this);
		}

		const rows: Row[] = [];
		for (let index = 0; index < writes.length; index++) {
			const entries = writes[index]!;
			const known = previousRows[index];
			if (known !== undefined && sameWrites(known, this.width, entries)) {
				for (let entry = 0; entry < entries.length; entry++) {
					segment(entries[entry]![1]);
				}

				rows.push(known);
				continue;
			}

			let text = joinSegments(entries, this.width, segment);
			if (text === undefined) {
				const single = new Output({width: this.width, height: 1});
				single.caches = caches;
				for (const [x, line] of entries) {
					single.operations.push({type: 'write', x, y: 0, text: line, transformers: []});
				}

				text = inkGet.call(single).output;
			}

			rows.push({width: this.width, entries, text});
		}

		previousRows = rows;
		previousSegments = segments;
		return {output: rows.map((row) => row.text).join('\n'), height: this.height};
	};
}

/** Whether `candidate` looks like Ink 6.8's `Output`, whose `get` `cacheRows` knows. */
export function isInkOutput(candidate: unknown): candidate is InkOutputClass {
	if (typeof candidate !== 'function' || typeof (candidate as InkOutputClass).prototype?.get !== 'function') {
		return false;
	}

	try {
		const probe = new (candidate as InkOutputClass)({width: 1, height: 1});
		const {caches} = probe;
		return Array.isArray(probe.operations) && caches.styledChars instanceof Map && caches.widths instanceof Map
			&& caches.blockWidths instanceof Map && typeof caches.getStyledChars === 'function'
			&& typeof caches.getStringWidth === 'function' && typeof caches.getWidestLine === 'function';
	} catch {
		return false;
	}
}

/** Ink's `Output` class and the `slice-ansi` it clips with, loaded from where Ink is. */
export async function loadInkOutput(): Promise<{Output: unknown; sliceAnsi: SliceAnsi} | undefined> {
	try {
		const inkEntry = import.meta.resolve('ink');
		const outputModule = await import(new URL('output.js', inkEntry).href) as {default?: unknown};
		const fromInk = createRequire(inkEntry);
		const sliceModule = await import(pathToFileURL(fromInk.resolve('slice-ansi')).href) as {default: SliceAnsi};
		return {Output: outputModule.default, sliceAnsi: sliceModule.default};
	} catch {
		return undefined;
	}
}

/** Install the row cache into the Ink this process renders with; false (and Ink left alone) when its `Output` is not the one known. */
export async function installRowCache(): Promise<boolean> {
	const loaded = await loadInkOutput();
	if (loaded === undefined || !isInkOutput(loaded.Output)) {
		return false;
	}

	cacheRows(loaded.Output, loaded.sliceAnsi);
	return true;
}
