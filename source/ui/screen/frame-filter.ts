/**
A frame made fit for the terminal, at the one place frames leave for it: without colour codes
when colours are off (the children's own colours included), in ASCII when the locale is not
UTF-8 (borders, symbols, and the braille charts as ASCII strokes). Every replacement keeps the
character's width, so the layout computed for the frame still holds.
*/
import {clusterWidth} from '../text/ansi-text.js';
import type {TerminalCaps} from './terminal-caps.js';

/** SGR parameters that set a colour: foreground, background, underline colour, and their resets. */
function isColorParameter(code: number): boolean {
	return (code >= 30 && code <= 39) || (code >= 40 && code <= 49) || (code >= 90 && code <= 97) || (code >= 100 && code <= 107) || code === 58 || code === 59;
}

/** One SGR sequence without its colours; '' when nothing else was in it. */
function withoutColor(parameters: string): string {
	if (parameters === '' || parameters === '0') {
		return `\u001B[${parameters}m`;
	}

	const parts = parameters.split(';');
	const kept: string[] = [];
	for (let index = 0; index < parts.length; index++) {
		const code = Number.parseInt(parts[index]!, 10);
		if (code === 38 || code === 48 || code === 58) {
			// 38;5;N or 38;2;R;G;B: skip the colour's own parameters too.
			index += parts[index + 1] === '5' ? 2 : parts[index + 1] === '2' ? 4 : 0;
			continue;
		}

		// `38:2::R:G:B` (colon form) is one part starting with 38, caught above by parseInt.
		if (!isColorParameter(code)) {
			kept.push(parts[index]!);
		}
	}

	return kept.length === 0 ? '' : `\u001B[${kept.join(';')}m`;
}

export function stripColor(frame: string): string {
	// eslint-disable-next-line no-control-regex -- matching SGR sequences is the point
	return frame.replaceAll(/\u001B\[([\d;:]*)m/gu, (_match, parameters: string) => withoutColor(parameters));
}

const asciiGlyphs: Readonly<Record<string, string>> = {
	'╭': '+', '╮': '+', '╰': '+', '╯': '+', '┌': '+', '┐': '+', '└': '+', '┘': '+', '┼': '+',
	'─': '-', '━': '-', '┄': '-', '│': '|', '┃': '|', '┤': '|', '├': '|',
	'●': '*', '◐': '~', '○': 'o', '✖': 'x', '✓': 'v', '⚠': '!', '•': '*', '▸': '>',
	'↑': '^', '↓': 'v', '←': '<', '→': '>', '↻': 'R', '⏎': '~', '…': '~', '·': '.', '×': 'x', '–': '-', '—': '-',
};

/** A braille cell (2×4 dots) as one ASCII stroke at the height of its dots. */
function brailleToAscii(code: number): string {
	const bits = code - 0x28_00;
	if (bits === 0) {
		return ' ';
	}

	// Dot rows of each bit: 1 2 3 (left), 4 5 6 (right), 7 8 (bottom row).
	const rowOfBit = [0, 1, 2, 0, 1, 2, 3, 3];
	const rows = rowOfBit.filter((_row, bit) => (bits & (1 << bit)) !== 0);
	const top = Math.min(...rows);
	const bottom = Math.max(...rows);
	if (bottom - top >= 2) {
		return '|';
	}

	const middle = (top + bottom) / 2;
	return middle < 1 ? '\'' : middle < 2 ? '-' : '.';
}

const segmenter = new Intl.Segmenter();

/** One grapheme cluster in ASCII, as wide as string-width (and so Ink) counts it. */
function clusterToAscii(cluster: string): string {
	const code = cluster.codePointAt(0)!;
	if (cluster.length === 1 && code >= 0x28_00 && code <= 0x28_FF) {
		return brailleToAscii(code);
	}

	const glyph = asciiGlyphs[cluster];
	if (glyph !== undefined) {
		return glyph;
	}

	// An ASCII letter with marks on it stays that letter; anything else (a child's CJK, an emoji)
	// is as many `?` as it takes columns.
	const width = clusterWidth(cluster);
	return code < 0x80 ? String.fromCodePoint(code) + '?'.repeat(Math.max(0, width - 1)) : '?'.repeat(width);
}

export function toAscii(frame: string): string {
	// Only runs of non-ASCII text (with the character before them, which a mark or a keycap may
	// belong to) are cut into clusters; the rest of the frame, SGR included, passes as it is.
	// eslint-disable-next-line no-control-regex -- ASCII ranges, control characters included
	return frame.replaceAll(/[\u0021-\u007E]?[^\u0000-\u007F]+/gu, (run) => {
		let out = '';
		for (const {segment} of segmenter.segment(run)) {
			out += segment.length === 1 && segment.charCodeAt(0) < 0x80 ? segment : clusterToAscii(segment);
		}

		return out;
	});
}

export function adaptFrame(frame: string, caps: TerminalCaps): string {
	const colored = caps.color ? frame : stripColor(frame);
	return caps.unicode ? colored : toAscii(colored);
}
