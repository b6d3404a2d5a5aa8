/**
Column arithmetic on text that carries SGR colour sequences: a child's coloured log line, a
braille chart. Log text arrives with SGR kept and every other control sequence removed by the
supervisor, so this deliberately knows only SGR; any other escape sequence is dropped as zero-width.

Every function returns self-contained text: a slice starts with the colours in effect at its
start and ends with a reset when colours are on, so rows can be laid out independently (Ink
styles each line on its own).
*/

import stringWidth from 'string-width';

const escape = '\u001B';
const reset = `${escape}[0m`;
// The escape sequences string-width removes before it measures (its ansi-regex 6.6's grammar: OSC,
// DCS and the like up to their terminator, CSI with ESC [ or the C1 CSI, two-character escapes),
// and a lone ESC, which procui drops too so that it never reaches the terminal.
const stringControls = String.raw`\u0018\u001A\u001B\u0080-\u009F`;
const stringTerminator = String.raw`(?:\u001B\u005C|\u009C)`;
const escapePattern = new RegExp([
	String.raw`\u001B\](?:P[\dA-Fa-f]{7}|R)(?:\u0007|${stringTerminator})?`,
	String.raw`(?:\u001B\]|\u009D)[^\u0007${stringControls}]*(?:\u0007|${stringTerminator})`,
	String.raw`(?:\u001B[PX^_k]|[\u0090\u0098\u009E\u009F])[^${stringControls}]*${stringTerminator}`,
	String.raw`(?:\u001B\[|\u009B)[\u0030-\u003F]*[\u0020-\u002F]*[\u0040-\u007E]`,
	String.raw`\u001B(?:[\u0020-\u002F]+[\u0030-\u007E]|[\dA-PR-TZcf-oq-uy=><~|}])`,
	String.raw`\u001B`,
].join('|'), 'gu');
/** Does the text hold escape sequences to remove? string-width looks for them only when it has an ESC or a CSI. */
const mayHoldEscapes = (text: string): boolean => text.includes(escape) || text.includes('\u009B');
// eslint-disable-next-line no-control-regex -- matching escape sequences is the point
const sgrPattern = /^\u001B\[[\d;:]*m$/u;
const printableAscii = /^[\u0020-\u007E]*$/u;
const segmenter = new Intl.Segmenter();

/** A piece of text: a visible character (a grapheme cluster, with its width in columns) or an SGR sequence. */
type Token = {readonly kind: 'char'; readonly value: string; readonly width: number} | {readonly kind: 'sgr'; readonly value: string};

/** Widths of the clusters met lately: string-width takes microseconds a cluster, a lookup does not. */
const widthCache = new Map<string, number>();
const widthCacheSize = 4096;

/**
Columns one grapheme cluster takes: string-width's answer, which is what Ink measures, lays out and
places text with, so a row procui composes is as wide for Ink as procui computed. Printable ASCII
(most of every log) is answered here, and other clusters are remembered.
*/
export function clusterWidth(cluster: string): number {
	if (cluster.length === 1) {
		const code = cluster.charCodeAt(0);
		if (code >= 0x20 && code < 0x7F) {
			return 1;
		}
	}

	let width = widthCache.get(cluster);
	if (width === undefined) {
		width = stringWidth(cluster);
		if (widthCache.size >= widthCacheSize) {
			widthCache.clear();
		}

		widthCache.set(cluster, width);
	}

	return width;
}

/** Whether each code point met lately may form a cluster with its neighbours. */
const joinerCache = new Map<number, boolean>();

/**
Can this code point form one cluster with a neighbour? Asked of the segmenter itself: after a
letter (a mark, ZWJ, a variation selector, a skin tone, a spacing vowel), before one (Prepend), or
next to itself (regional indicators, Hangul jamo). A code point that does none of these is a cluster
of its own wherever it stands: a precomposed Hangul syllable only joins jamo, which are joiners.
*/
function isJoiner(codePoint: number): boolean {
	let joiner = joinerCache.get(codePoint);
	if (joiner === undefined) {
		const char = String.fromCodePoint(codePoint);
		// Six clusters unless it joins a letter before or after it, or itself.
		joiner = count(segmenter.segment(`a${char}a${char}${char}a`)) !== 6;
		if (joinerCache.size >= widthCacheSize) {
			joinerCache.clear();
		}

		joinerCache.set(codePoint, joiner);
	}

	return joiner;
}

function count(items: Iterable<unknown>): number {
	let n = 0;
	for (const _item of items) {
		n++;
	}

	return n;
}

/**
Does the text need the segmenter to find its clusters? Not when every character is one: printable
ASCII, CJK, symbols, most emoji. Segmenting costs far more than looking each code point up.
*/
function needsSegmenting(text: string): boolean {
	if (text.length === 1 || (text.length === 2 && text.codePointAt(0)! > 0xFF_FF)) {
		return false; // One code point is one cluster.
	}

	// No ASCII character joins another (but CR LF, both zero-width, which may stay apart).
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (code >= 0x80 && isJoiner(text.codePointAt(index)!)) {
			return true;
		}

		if (code >= 0xD8_00 && code <= 0xDB_FF) {
			index++; // The low half of a pair, looked up with its high half.
		}
	}

	return false;
}

/**
The text's grapheme clusters, as string-width segments it. Only the stretches around joiners go
through the segmenter: two code points that are neither joiners always have a boundary between
them, so every other code point is a cluster of its own.
*/
function* segments(text: string): Generator<string> {
	if (!needsSegmenting(text)) {
		yield* text;
		return;
	}

	const points = [...text];
	const joiners = points.map((point) => point.charCodeAt(0) >= 0x80 && isJoiner(point.codePointAt(0)!));
	let group = '';
	for (const [index, point] of points.entries()) {
		group += point;
		if (index + 1 < points.length && (joiners[index] || joiners[index + 1])) {
			continue;
		}

		if (group === point) {
			yield point;
		} else {
			for (const {segment} of segmenter.segment(group)) {
				yield segment;
			}
		}

		group = '';
	}
}

/**
The text's characters and SGR sequences in order. Characters are grapheme clusters of the text
without its escape sequences, as string-width segments it (a colour change between a letter and
its accent does not split them); an SGR inside a cluster comes after it. A tab becomes one space
(log lines have their tabs expanded before this), so that no tab reaches the terminal.
*/
function* tokens(text: string): Generator<Token> {
	if (!mayHoldEscapes(text)) {
		yield* clusters(text);
		return;
	}

	const sgrs: Array<{readonly at: number; readonly value: string}> = [];
	let plain = '';
	let last = 0;
	for (const match of text.matchAll(escapePattern)) {
		plain += text.slice(last, match.index);
		if (sgrPattern.test(match[0])) {
			sgrs.push({at: plain.length, value: match[0]});
		}

		last = match.index + match[0].length;
	}

	plain += text.slice(last);
	let next = 0;
	let offset = 0;
	for (const token of clusters(plain)) {
		while (next < sgrs.length && sgrs[next]!.at <= offset) {
			yield {kind: 'sgr', value: sgrs[next++]!.value};
		}

		yield token;
		offset += token.value.length;
	}

	while (next < sgrs.length) {
		yield {kind: 'sgr', value: sgrs[next++]!.value};
	}
}

function* clusters(text: string): Generator<Token & {readonly kind: 'char'}> {
	if (printableAscii.test(text)) {
		for (const value of text) {
			yield {kind: 'char', value, width: 1};
		}

		return;
	}

	for (const segment of segments(text)) {
		yield segment === '\t' ? {kind: 'char', value: ' ', width: 1} : {kind: 'char', value: segment, width: clusterWidth(segment)};
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
	return mayHoldEscapes(text) ? text.replaceAll(escapePattern, '') : text;
}

/**
Visible width in columns: string-width's width of the text as it is drawn (SGR removed, a tab as
the space it becomes), as the sum of its clusters' widths, which is how string-width adds up.
*/
export function textWidth(text: string): number {
	const plain = stripAnsi(text);
	if (printableAscii.test(plain)) {
		return plain.length;
	}

	let width = 0;
	for (const segment of segments(plain)) {
		width += segment === '\t' ? 1 : clusterWidth(segment);
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
	if (!text.includes(escape) && printableAscii.test(text)) {
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
				// A wide character straddling `start` (and maybe `end`).
				out += ' '.repeat(Math.min(next, end) - start);
				column = next;
				continue;
			}
		}

		if (next > end) {
			// A wide character straddling `end`.
			out += ' '.repeat(end - column);
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

		if (rowWidth > 0 && rowWidth + token.width > width) {
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
