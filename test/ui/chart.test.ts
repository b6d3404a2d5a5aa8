import {describe, expect, test} from 'vitest';
import {stripAnsi, textWidth} from '../../source/ui/text/ansi-text.js';
import {joinColourRuns, niceCeiling, renderChart} from '../../source/ui/charts/chart.js';

describe('renderChart', () => {
	test('draws exactly width × height cells of braille', () => {
		const rows = renderChart([1, 5, 3, 8, 2], {width: 12, height: 3, max: 10, color: 'cyan'});
		expect(rows).toHaveLength(3);
		for (const row of rows) {
			expect(textWidth(row)).toBe(12);
			expect(stripAnsi(row)).toMatch(/^[\u2800-\u28FF ]+$/u);
		}
	});

	test('newest samples on the right; a flat zero series is a line along the bottom', () => {
		const rows = renderChart([0, 0, 0, 0], {width: 6, height: 2, max: 10, color: 'cyan'}).map((row) => stripAnsi(row));
		expect(rows[0]).toBe('      ');
		expect(rows[1]).toBe('    ⣀⣀');
	});

	test('a sample at the maximum touches the top row; values above it are clipped', () => {
		const rows = renderChart([10, 50], {width: 1, height: 2, max: 10, color: 'cyan'}).map((row) => stripAnsi(row));
		expect(rows[0]).toBe('⠉');
	});

	test('a sample that moves no dot gives the last picture again; one that moves a dot, a new one', () => {
		const options = {width: 4, height: 2, max: 100, color: 'green'};
		const full = Array.from({length: 8}, () => 40);
		const before = renderChart(full, options);
		// The window shifts by one sample, to a value that lands on the same dot row (40.4 ≈ 40).
		const same = renderChart([...full.slice(1), 40.4], options);
		expect(same).toBe(before);
		const moved = renderChart([...full.slice(1), 90], options);
		expect(moved).not.toBe(before);
		expect(moved.map((row) => stripAnsi(row))).not.toEqual(before.map((row) => stripAnsi(row)));
		// A chart of another size or colour is its own picture, and each picture is what a first
		// drawing of the same samples gives.
		const other = renderChart([...full.slice(1), 90], {...options, color: 'yellow'});
		expect(other.map((row) => stripAnsi(row))).toEqual(moved.map((row) => stripAnsi(row)));
		expect(renderChart(full, {...options, color: 'blue'}).map((row) => stripAnsi(row))).toEqual(same.map((row) => stripAnsi(row)));
	});

	test('keeps only what fits: two samples per column', () => {
		const many = Array.from({length: 120}, (_, index) => index % 2 === 0 ? 0 : 10);
		const rows = renderChart(many, {width: 5, height: 1, max: 10, color: 'cyan'});
		expect(textWidth(rows[0]!)).toBe(5);
	});

	test('colours each run of cells once, and every cell still in its colour', () => {
		const rows = renderChart([0, 0, 0, 0, 0, 0, 0, 0], {width: 6, height: 2, max: 10, color: 'cyan'});
		expect(rows[1]).toBe('  \u001B[36m⣀⣀⣀⣀\u001B[39m');
		const rising = renderChart([0, 2, 4, 6, 8, 10, 10, 10], {width: 6, height: 3, max: 10, color: 'cyan'});
		expect(rising.join('')).not.toContain('\u001B[39m\u001B[36m');
		for (const row of rising) {
			// Every dot drawn is inside a cyan run, and every blank outside one.
			let cyan = false;
			// eslint-disable-next-line no-control-regex -- matching escape sequences is the point
			for (const part of row.split(/(\u001B\[\d+m)/u).filter((piece) => piece.length > 0)) {
				if (part.startsWith('\u001B')) {
					cyan = part === '\u001B[36m';
					continue;
				}

				for (const cell of part) {
					expect(cell === ' ' ? !cyan : cyan, JSON.stringify(row)).toBe(true);
				}
			}
		}
	});

	test('is pure: the same samples give the same text', () => {
		const values = [3, 1, 4, 1, 5, 9, 2, 6];
		expect(renderChart(values, {width: 8, height: 2, max: 10, color: 'magenta'})).toEqual(renderChart(values, {width: 8, height: 2, max: 10, color: 'magenta'}));
	});
});

test('niceCeiling rounds up to 1, 2 or 5 times a power of ten', () => {
	expect(niceCeiling(0.3, 1)).toBe(1);
	expect(niceCeiling(13, 1)).toBe(20);
	expect(niceCeiling(230, 1)).toBe(500);
	expect(niceCeiling(5, 1)).toBe(5);
});

test('joinColourRuns drops a close followed at once by the same colour, and nothing else', () => {
	const cyan = (text: string): string => `\u001B[36m${text}\u001B[39m`;
	expect(joinColourRuns(`${cyan('a')}${cyan('b')} ${cyan('c')}`)).toBe(`${cyan('ab')} ${cyan('c')}`);
	expect(joinColourRuns(`${cyan('a')}\u001B[35mb\u001B[39m`)).toBe(`${cyan('a')}\u001B[35mb\u001B[39m`);
	expect(joinColourRuns('plain')).toBe('plain');
	expect(joinColourRuns(`${cyan('a')}${cyan('b')}`)).toBe(cyan('ab'));
});
