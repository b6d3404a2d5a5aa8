import {describe, expect, test} from 'vitest';
import {cleanTerminalText} from '../../source/io/terminal-text.js';

describe('cleanTerminalText', () => {
	test('leaves plain text and tabs alone', () => {
		expect(cleanTerminalText('hello\tworld\nsecond line')).toBe('hello\tworld\nsecond line');
	});

	test('turns PTY line endings into newlines', () => {
		expect(cleanTerminalText('one\r\ntwo\r\n')).toBe('one\ntwo\n');
	});

	test('drops carriage returns at the end of the text', () => {
		expect(cleanTerminalText('done\r\r')).toBe('done');
	});

	test('keeps the last frame of a progress bar', () => {
		expect(cleanTerminalText('10%\r20%\r30%\nnext')).toBe('30%\nnext');
	});

	test('keeps SGR colour sequences', () => {
		const text = '\u001B[31mred\u001B[0m \u001B[1;38;5;208mbold\u001B[m \u001B[38:2::255:0:0mtrue\u001B[0m';
		expect(cleanTerminalText(text)).toBe(text);
	});

	test('removes cursor movement and erase sequences', () => {
		expect(cleanTerminalText('\u001B[2J\u001B[H\u001B[1Aup\u001B[K\u001B[?25l')).toBe('up');
	});

	test('removes a window title ended by BEL or by ST', () => {
		expect(cleanTerminalText('\u001B]0;title\u0007a\u001B]2;other\u001B\\b')).toBe('ab');
	});

	test('keeps the text of a hyperlink and drops its target', () => {
		expect(cleanTerminalText('\u001B]8;;https://example.com\u001B\\link\u001B]8;;\u001B\\')).toBe('link');
	});

	test('removes device control strings', () => {
		expect(cleanTerminalText('a\u001BPq#0;2;0;0;0\u001B\\b')).toBe('ab');
	});

	test('removes other escapes and a lone escape', () => {
		expect(cleanTerminalText('\u001B7a\u001B8\u001B(Bb\u001B')).toBe('ab');
	});

	test('removes bell, backspace, DEL and C1 controls', () => {
		expect(cleanTerminalText('a\u0007b\bc\u007Fd\u009Be')).toBe('abcde');
	});

	test('never lets a sequence swallow a newline', () => {
		expect(cleanTerminalText('a\u001B]0;unfinished\nb')).toBe('a\nb');
	});

	test('a line as a PTY sends it (text, then \\r) is cleaned as it would be with its newline', () => {
		// The shortcut for such lines must agree with the whole treatment of the same line before a
		// newline, over lines with anything in them: controls, escapes, inner and trailing \r.
		const pieces = ['a', 'text ', '\t', '\r', '\r\r', '\u001B', '\u001B[31m', '\u001B[0m', '\u001B[2K', '\u001B[?25l', '\u001B]0;t\u0007', '\u0007', '\u0008', '\u007F', '\u009B', 'é', '\u001B(B'];
		let seed = 7;
		const next = (): number => {
			seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
			return seed;
		};

		for (let run = 0; run < 2000; run++) {
			const length = next() % 8;
			const line = Array.from({length}, () => pieces[next() % pieces.length]!).join('');
			for (const ending of ['\r', '\r\r']) {
				expect(cleanTerminalText(line + ending), JSON.stringify(line + ending)).toBe(cleanTerminalText(line + ending + '\n').slice(0, -1));
			}
		}
	});
});
