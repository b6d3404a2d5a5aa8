/**
The scan that lets the terminal feed rest: which sequences in a PTY process's output count (the
feed must parse them), which do not, and sequences cut between chunks.
*/
import {Buffer} from 'node:buffer';
import {describe, expect, test} from 'vitest';
import {ScreenTriggers} from '../../source/ui/terminal/screen-triggers.js';

const scan = (...chunks: Array<string | Buffer>): boolean[] => {
	const triggers = new ScreenTriggers();
	return chunks.map((chunk) => triggers.scan(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk));
};

describe('ScreenTriggers', () => {
	test.each([
		['plain lines', 'compiling\r\nok 1\r\n'],
		['colours', '\u001B[1;31merror\u001B[0m and \u001B[38;2;1;2;3mtrue colour\u001B[m\r\n'],
		['erasing in a line and relative moves (a progress bar)', '\r\u001B[K 45%\u001B[2A\u001B[3B\u001B[10C\u001B[G'],
		['erasing the display alone', '\u001B[2J'],
		['a title (OSC) and a character set', '\u001B]0;title\u0007\u001B(B\u001B]2;t\u001B\\'],
		['a lone C2 or 9B that is not U+009B', Buffer.from([0x41, 0xC2, 0xA9, 0x9B, 0x42])],
	])('%s: nothing', (_what, chunk) => {
		expect(scan(chunk)).toEqual([false]);
	});

	test.each([
		['the alternate screen', '\u001B[?1049h'],
		['cursor visibility (a private mode)', 'x\u001B[?25l'],
		['a cursor position', 'top\u001B[3;4H'],
		['home', '\u001B[H'],
		['a cursor position (HVP)', '\u001B[2;2f'],
		['a row (VPA)', '\u001B[5d'],
		['a mode (insert)', '\u001B[4h'],
		['a scroll region', '\u001B[1;20r'],
		['the keypad modes', '\u001B='],
		['a reset', 'x\u001Bc'],
		['the 8-bit CSI in UTF-8', Buffer.from([0x41, 0xC2, 0x9B, 0x48])],
		['a control inside a CSI', '\u001B[1\u0007m'],
		['a CSI longer than any real one, cut', `\u001B[${'1;'.repeat(40)}`],
	])('%s: found', (_what, chunk) => {
		expect(scan(chunk)[0]).toBe(true);
	});

	test('a sequence cut between chunks is finished with the next', () => {
		expect(scan('lines\u001B[1', '0;5Hmore')).toEqual([false, true]);
		expect(scan('lines\u001B[3', '1mred\u001B[0m')).toEqual([false, false]);
		expect(scan('x\u001B', '[?1049h')).toEqual([false, true]);
		expect(scan('x\u001B', 'c')).toEqual([false, true]);
		expect(scan('x\u001B', '[K')).toEqual([false, false]);
		expect(scan(Buffer.from([0x41, 0xC2]), Buffer.from([0x9B, 0x48]))).toEqual([false, true]);
		expect(scan(Buffer.from([0x41, 0xC2]), Buffer.from([0xA9]))).toEqual([false, false]);
		// A chunk cut inside a sequence is still scanned whole for the 8-bit CSI.
		expect(scan(Buffer.concat([Buffer.from([0x41, 0xC2, 0x9B, 0x31, 0x6D]), Buffer.from('\u001B[3')]))).toEqual([true]);
		// After a cut sequence is finished, the rest of that chunk is scanned too.
		expect(scan('\u001B[3', '1m ok \u001B[?25l')).toEqual([false, true]);
	});
});
