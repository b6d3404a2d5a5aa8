import sliceAnsi from 'slice-ansi';
import stringWidth from 'string-width';
import {describe, expect, test} from 'vitest';
import {expandTabs, findAll, highlightRanges, padColumns, sliceColumns, stripAnsi, textWidth, truncateColumns, wrapColumns} from '../../source/ui/text/ansi-text.js';

const red = (text: string): string => `\u001B[31m${text}\u001B[39m`;

describe('textWidth', () => {
	test('agrees with string-width (what Ink lays out with) on plain, coloured, wide and combining text', () => {
		for (const sample of ['hello', red('error'), '日本語のログ', 'e\u0301te\u0301', '⠀⡇⣿ braille', '✓ done ✖ fail', 'tab-free 😀 emoji', `\u001B[1;38;5;208mbold orange\u001B[0m`]) {
			expect(textWidth(sample), sample).toBe(stringWidth(sample));
		}
	});
});

describe('sliceColumns', () => {
	test('agrees with slice-ansi on the visible text', () => {
		const text = `plain ${red('red part')} and 日本 end`;
		for (const [start, end] of [[0, 5], [3, 12], [6, 14], [10, 23], [0, 40]] as const) {
			expect(stripAnsi(sliceColumns(text, start, end))).toBe(stripAnsi(sliceAnsi(text, start, end)));
		}
	});

	test('keeps the colour in effect at the start, and resets at the end', () => {
		expect(sliceColumns(red('abcdef'), 2, 4)).toBe('\u001B[31mcd\u001B[0m');
	});

	test('a wide character cut in half becomes a space', () => {
		expect(sliceColumns('日本', 1, 4)).toBe(' 本');
		expect(sliceColumns('日本', 0, 3)).toBe('日 ');
	});
});

describe('wrapColumns', () => {
	test('hard-wraps at the width and carries colours onto the next row', () => {
		expect(wrapColumns(red('abcdefgh'), 3)).toEqual(['\u001B[31mabc\u001B[0m', '\u001B[31mdef\u001B[0m', '\u001B[31mgh\u001B[39m\u001B[0m']);
	});

	test('text that fits is one row, unchanged', () => {
		expect(wrapColumns('short', 10)).toEqual(['short']);
	});

	test('never splits a wide character', () => {
		expect(wrapColumns('日本語', 5)).toEqual(['日本', '語']);
	});
});

test('truncateColumns cuts with an ellipsis, padColumns pads', () => {
	expect(truncateColumns('abcdefgh', 5)).toBe('abcd…');
	expect(truncateColumns('abc', 5)).toBe('abc');
	expect(padColumns('ab', 4)).toBe('ab  ');
	expect(padColumns('ab', 4, 'right')).toBe('  ab');
	expect(padColumns('abcdef', 4)).toBe('abc…');
});

test('expandTabs aligns to 8 columns', () => {
	expect(expandTabs('a\tb')).toBe('a       b');
	expect(textWidth(expandTabs('abc\tdef\tg'))).toBe(17);
});

describe('highlightRanges', () => {
	test('marks a range and restores the text\'s own colour after it', () => {
		const text = red('find the needle here');
		const marked = highlightRanges(text, findAll(stripAnsi(text), 'needle').map((range) => ({...range, style: '\u001B[7m'})));
		expect(stripAnsi(marked)).toBe('find the needle here');
		expect(marked).toBe('\u001B[31mfind the \u001B[7mneedle\u001B[0m\u001B[31m here\u001B[39m\u001B[0m');
	});

	test('findAll is case-insensitive and finds every occurrence', () => {
		expect(findAll('Error: error, ERROR', 'error')).toEqual([{start: 0, end: 5}, {start: 7, end: 12}, {start: 14, end: 19}]);
		expect(findAll('anything', '')).toEqual([]);
	});
});
