/**
Column arithmetic on text that carries SGR colour sequences: a child's coloured log line, a
braille chart. Log text arrives with SGR kept and every other control sequence removed by the
supervisor, so this deliberately knows only SGR; any other CSI is dropped as zero-width.

Every function returns self-contained text: a slice starts with the colours in effect at its
start and ends with a reset when colours are on, so rows can be laid out independently (Ink
styles each line on its own).
*/

const escape = '\u001B';
const reset = `${escape}[0m`;
// One CSI sequence (SGR or not), or a lone ESC.
// eslint-disable-next-line no-control-regex -- matching escape sequences is the point
const csiPattern = /\u001B(?:\[[0-?]*[ -/]*[@-~])?/gu;
// eslint-disable-next-line no-control-regex -- as above
const sgrPattern = /^\u001B\[[\d;:]*m$/u;

/** A piece of text: a visible character (with its width in columns) or an SGR sequence. */
type Token = {readonly kind: 'char'; readonly value: string; readonly width: number} | {readonly kind: 'sgr'; readonly value: string};

/** Columns a code point takes in a terminal: 0 (combining, zero-width), 1, or 2 (East Asian wide, emoji). */
export function charWidth(codePoint: number): 0 | 1 | 2 {
	if (codePoint < 0x20 || (codePoint >= 0x7F && codePoint < 0xA0)) {
		return 0;
	}

	if (codePoint < 0x300) {
		return 1;
	}

	if (
		(codePoint >= 0x300 && codePoint <= 0x36F) || (codePoint >= 0x1AB0 && codePoint <= 0x1AFF) || (codePoint >= 0x1DC0 && codePoint <= 0x1DFF)
		|| (codePoint >= 0x20D0 && codePoint <= 0x20FF) || (codePoint >= 0xFE20 && codePoint <= 0xFE2F) || (codePoint >= 0xFE00 && codePoint <= 0xFE0F)
		|| codePoint === 0x200B || codePoint === 0x200C || codePoint === 0x200D || codePoint === 0x2060 || codePoint === 0xFEFF
	) {
		return 0;
	}

	if (
		(codePoint >= 0x1100 && codePoint <= 0x115F) || (codePoint >= 0x2E80 && codePoint <= 0x303E) || (codePoint >= 0x3041 && codePoint <= 0x33FF)
		|| (codePoint >= 0x3400 && codePoint <= 0x4DBF) || (codePoint >= 0x4E00 && codePoint <= 0x9FFF) || (codePoint >= 0xA000 && codePoint <= 0xA4CF)
		|| (codePoint >= 0xAC00 && codePoint <= 0xD7A3) || (codePoint >= 0xF900 && codePoint <= 0xFAFF) || (codePoint >= 0xFE30 && codePoint <= 0xFE4F)
		|| (codePoint >= 0xFF00 && codePoint <= 0xFF60) || (codePoint >= 0xFFE0 && codePoint <= 0xFFE6) || (codePoint >= 0x1F300 && codePoint <= 0x1F64F)
		|| (codePoint >= 0x1F900 && codePoint <= 0x1F9FF) || (codePoint >= 0x1F680 && codePoint <= 0x1F6FF) || (codePoint >= 0x20000 && codePoint <= 0x3FFFD)
	) {
		return 2;
	}

	return 1;
}

function* tokens(text: string): Generator<Token> {
	let last = 0;
	for (const match of text.matchAll(csiPattern)) {
		yield* chars(text.slice(last, match.index));
		if (sgrPattern.test(match[0])) {
			yield {kind: 'sgr', value: match[0]};
		}

		last = match.index + match[0].length;
	}

	yield* chars(text.slice(last));
}

function* chars(text: string): Generator<Token> {
	for (const value of text) {
		const width = value === '\t' ? 1 : charWidth(value.codePointAt(0)!);
		yield {kind: 'char', value: value === '\t' ? ' ' : value, width};
	}
}

/** Is this SGR a full reset (`ESC[0m`, `ESC[m`)? */
function isReset(sgr: string): boolean {
	return sgr === `${escape}[0m` || sgr === `${escape}[m`;
}

/** Colours in effect after `sgr`, given those before: the sequences since the last reset. */
function nextState(state: string, sgr: string): string {
	return isReset(sgr) ? '' : state + sgr;
}

/** The text without SGR sequences. */
export function stripAnsi(text: string): string {
	return text.includes(escape) ? text.replaceAll(csiPattern, '') : text;
}

/** Visible width in columns. */
export function textWidth(text: string): number {
	if (!text.includes(escape) && /^[\u0020-\u007E]*$/u.test(text)) {
		return text.length;
	}

	let width = 0;
	for (const token of tokens(text)) {
		if (token.kind === 'char') {
			width += token.width;
		}
	}

	return width;
}

/** Replace tabs by spaces up to the next multiple of 8 columns. */
export function expandTabs(text: string): string {
	if (!text.includes('\t')) {
		return text;
	}

	let column = 0;
	let result = '';
	for (const token of tokens(text.replaceAll('\t', '\u0000'))) {
		if (token.kind === 'sgr') {
			result += token.value;
		} else if (token.value === '\u0000') {
			const spaces = 8 - (column % 8);
			result += ' '.repeat(spaces);
			column += spaces;
		} else {
			result += token.value;
			column += token.width;
		}
	}

	return result;
}

/** Columns [start, end) of the text, colours kept; a wide character cut in half becomes a space. */
export function sliceColumns(text: string, start: number, end = Number.POSITIVE_INFINITY): string {
	if (!text.includes(escape) && /^[\u0020-\u007E]*$/u.test(text)) {
		return text.slice(start, end);
	}

	let column = 0;
	let state = '';
	let out = '';
	let started = false;
	for (const token of tokens(text)) {
		if (token.kind === 'sgr') {
			state = nextState(state, token.value);
			if (started) {
				out += token.value;
			}

			continue;
		}

		if (column >= end) {
			break;
		}

		const next = column + token.width;
		if (next <= start && !(token.width === 0 && column === start)) {
			column = next;
			continue;
		}

		if (!started) {
			started = true;
			out = state;
			if (column < start) {
				// A wide character straddling `start`.
				out += ' '.repeat(next - start);
				column = next;
				continue;
			}
		}

		if (next > end) {
			out += ' ';
			break;
		}

		out += token.value;
		column = next;
	}

	return out.includes(escape) ? out + reset : out;
}

/** Hard-wrap into rows of at most `width` columns (at least one row). */
export function wrapColumns(text: string, width: number): string[] {
	const total = textWidth(text);
	if (total <= width || width <= 0) {
		return [text];
	}

	const rows: string[] = [];
	let state = '';
	let row = '';
	let rowWidth = 0;
	const flush = (): void => {
		rows.push(state === '' || !row.includes(escape) ? row : row + reset);
		row = state;
		rowWidth = 0;
	};

	for (const token of tokens(text)) {
		if (token.kind === 'sgr') {
			state = nextState(state, token.value);
			row += token.value;
			continue;
		}

		if (rowWidth + token.width > width) {
			flush();
		}

		row += token.value;
		rowWidth += token.width;
	}

	if (rowWidth > 0 || rows.length === 0) {
		rows.push(state === '' || !row.includes(escape) ? row : row + reset);
	}

	return rows;
}

/** At most `width` columns: cut with `…` when longer. */
export function truncateColumns(text: string, width: number): string {
	if (width <= 0) {
		return '';
	}

	if (textWidth(text) <= width) {
		return text;
	}

	return `${sliceColumns(text, 0, width - 1)}…`;
}

/** Pad with spaces to `width` columns (or cut). */
export function padColumns(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	const visible = textWidth(text);
	if (visible > width) {
		return truncateColumns(text, width);
	}

	const padding = ' '.repeat(width - visible);
	return align === 'left' ? text + padding : padding + text;
}

/** A highlighted range in the visible text: UTF-16 offsets into `stripAnsi(text)`. */
export type Highlight = {
	/** First highlighted character. */
	readonly start: number;
	/** After the last one. */
	readonly end: number;
	/** The SGR that marks it, e.g. black on yellow. */
	readonly style: string;
};

/** Mark ranges of the visible text; the text's own colours come back after each range. */
export function highlightRanges(text: string, ranges: readonly Highlight[]): string {
	if (ranges.length === 0) {
		return text;
	}

	const sorted = [...ranges].sort((a, b) => a.start - b.start);
	let out = '';
	let state = '';
	let plainIndex = 0;
	let current: Highlight | undefined;
	let next = 0;
	for (const token of tokens(text)) {
		if (token.kind === 'sgr') {
			state = nextState(state, token.value);
			out += token.value;
			if (current !== undefined) {
				// The text's own colours changed inside a match: keep the match visible.
				out += current.style;
			}

			continue;
		}

		if (current !== undefined && plainIndex >= current.end) {
			out += reset + state;
			current = undefined;
		}

		while (current === undefined && next < sorted.length && sorted[next]!.end <= plainIndex) {
			next++;
		}

		if (current === undefined && next < sorted.length && sorted[next]!.start <= plainIndex) {
			current = sorted[next++];
			out += current!.style;
		}

		out += token.value;
		plainIndex += token.value.length;
	}

	if (current !== undefined) {
		out += reset;
	} else if (state !== '') {
		out += reset;
	}

	return out;
}

/** Every occurrence of `query` in the visible text, case-insensitively (empty query: none). */
export function findAll(plain: string, query: string): Array<{start: number; end: number}> {
	if (query === '') {
		return [];
	}

	const haystack = plain.toLowerCase();
	const needle = query.toLowerCase();
	const found: Array<{start: number; end: number}> = [];
	let index = haystack.indexOf(needle);
	while (index !== -1) {
		found.push({start: index, end: index + needle.length});
		index = haystack.indexOf(needle, index + needle.length);
	}

	return found;
}
