import {describe, expect, test} from 'vitest';
import {stripAnsi} from '../../source/ui/text/ansi-text.js';
import {LogBuffer} from '../../source/ui/logs/log-buffer.js';
import {visibleRows, widestOverflow, type LogRowOptions} from '../../source/ui/logs/log-rows.js';

const options: LogRowOptions = {width: 20, height: 3, wrap: false, hscroll: 0, timestamps: false, prefix: 'none', prefixWidth: 6, query: ''};
const plain = (rows: string[]): string[] => rows.map((row) => stripAnsi(row));

function buffer(lines: string[], watcher = 'web', pid = 7): LogBuffer {
	const result = new LogBuffer();
	result.append(watcher, pid, lines.map((text, index) => ({seq: index + 1, time: Date.UTC(2026, 0, 1, 12, 0, index), text})));
	return result;
}

describe('visibleRows', () => {
	test('shows the last lines that fit, bottom-aligned on the anchor', () => {
		const logs = buffer(['a', 'b', 'c', 'd', 'e']);
		expect(visibleRows(logs, logs.end, options)).toEqual({rows: ['c', 'd', 'e'], top: 2, entries: [2, 3, 4]});
		expect(visibleRows(logs, 3, options).rows).toEqual(['a', 'b', 'c']);
	});

	test('cuts long lines with an ellipsis, or wraps them, filling from the bottom', () => {
		const logs = buffer(['first', 'abcdefghijklmnopqrstuvwxyz']);
		expect(visibleRows(logs, logs.end, options).rows).toEqual(['first', 'abcdefghijklmnopqrs…']);
		expect(visibleRows(logs, logs.end, {...options, wrap: true}).rows).toEqual(['first', 'abcdefghijklmnopqrst', 'uvwxyz']);
		expect(visibleRows(logs, logs.end, {...options, wrap: true, height: 2}).rows).toEqual(['abcdefghijklmnopqrst', 'uvwxyz']);
	});

	test('says which entry each row belongs to, a wrapped entry on each of its rows', () => {
		const logs = buffer(['first', 'abcdefghijklmnopqrstuvwxyz', 'last']);
		expect(visibleRows(logs, logs.end, {...options, wrap: true, height: 4}).entries).toEqual([0, 1, 1, 2]);
		expect(visibleRows(logs, logs.end, {...options, wrap: true, height: 3}).entries).toEqual([1, 1, 2]);
		expect(visibleRows(logs, 2, {...options, wrap: true, height: 3}).entries).toEqual([0, 1, 1]);
	});

	test('paused on a wrapped line taller than the pane: its start; following: its end', () => {
		const logs = buffer(['before', 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ']);
		expect(visibleRows(logs, logs.end, {...options, wrap: true, height: 2}).rows).toEqual(['EFGHIJKLMNOPQRSTUVWX', 'YZ']);
		expect(visibleRows(logs, logs.end, {...options, wrap: true, height: 2, startOfTall: true}).rows).toEqual(['abcdefghijklmnopqrst', 'uvwxyz0123456789ABCD']);
	});

	test('marks a line written to stderr, in red, before its text', () => {
		const logs = new LogBuffer();
		logs.append('web', 7, [{seq: 1, time: 0, text: 'to stdout'}, {seq: 2, time: 1, text: 'to stderr', stderr: true}]);
		const rows = visibleRows(logs, logs.end, {...options, height: 2}).rows;
		expect(plain(rows)).toEqual(['to stdout', '▍to stderr']);
		expect(rows[1]).toContain('\u001B[31m▍\u001B[39m');
	});

	test('scrolls long lines sideways', () => {
		const logs = buffer(['abcdefghijklmnopqrstuvwxyz']);
		expect(visibleRows(logs, logs.end, {...options, hscroll: 8}).rows).toEqual(['ijklmnopqrstuvwxyz']);
	});

	test('can scroll sideways as far as the widest line shown overflows the pane, prefix included', () => {
		const logs = buffer(['abcdefghijklmnopqrstuvwxyz', 'short', 'x'.repeat(24), 'y']);
		// The three lines shown: the widest (24) needs 4 columns more than the 20 there are.
		expect(widestOverflow(logs, logs.end, options)).toBe(4);
		expect(plain(visibleRows(logs, logs.end, {...options, hscroll: 4}).rows)[1]).toBe('x'.repeat(20));
		// Scrolled back to the alphabet (26), with the pid's 8 columns before it.
		expect(widestOverflow(logs, 2, {...options, prefix: 'pid'})).toBe(14);
		expect(widestOverflow(logs, logs.end, {...options, width: 30})).toBe(0);
	});

	test('prefixes the watcher in its colour, or the pid, and the time', () => {
		const logs = buffer(['hello']);
		expect(plain(visibleRows(logs, logs.end, {...options, width: 30, prefix: 'watcher'}).rows)).toEqual(['web   │hello']);
		expect(plain(visibleRows(logs, logs.end, {...options, width: 30, prefix: 'pid'}).rows)).toEqual(['      7│hello']);
		const [row] = plain(visibleRows(logs, logs.end, {...options, width: 30, timestamps: true}).rows);
		expect(row).toMatch(/^\d\d:\d\d:00\.000 hello$/u);
	});

	test('draws a marker where lines went missing', () => {
		const logs = buffer(['one']);
		logs.append('web', 7, [{seq: 5, time: 0, text: 'five'}]);
		expect(plain(visibleRows(logs, logs.end, {...options, width: 60}).rows)).toEqual(['one', '┄┄ 3 lines missing from web 7 ┄┄', 'five']);
	});

	test('highlights search matches, the current one differently', () => {
		const logs = buffer(['an error here', 'error again']);
		const rows = visibleRows(logs, logs.end, {...options, query: 'error', currentMatch: 1}).rows;
		expect(rows[0]).toContain('\u001B[30;43merror');
		expect(rows[1]).toContain('\u001B[30;106merror');
		expect(plain(rows)).toEqual(['an error here', 'error again']);
	});
});
