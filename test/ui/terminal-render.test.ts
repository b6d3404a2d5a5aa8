import xterm from '@xterm/headless';
import {describe, expect, test} from 'vitest';
import {stripAnsi} from '../../source/ui/text/ansi-text.js';
import {keysFor, screenRows} from '../../source/ui/terminal/terminal-render.js';

async function terminalWith(data: string, cols = 10, rows = 3): Promise<xterm.Terminal> {
	const terminal = new xterm.Terminal({cols, rows, scrollback: 0, allowProposedApi: true});
	await new Promise<void>((resolve) => {
		terminal.write(data, resolve);
	});
	return terminal;
}

describe('screenRows', () => {
	test('gives the screen as rows of exactly the pane\'s width, cut or padded', async () => {
		const terminal = await terminalWith('\u001B[2;3Hab\u001B[1;1Hxyz');
		expect(screenRows(terminal, 6, 4, false).map((row) => stripAnsi(row))).toEqual(['xyz   ', '  ab  ', '      ', '      ']);
	});

	test('keeps colours and attributes as SGR, and resets at the end of each row', async () => {
		const terminal = await terminalWith('\u001B[1;31mred\u001B[0m \u001B[7;38;5;200mX\u001B[0m');
		const [row] = screenRows(terminal, 10, 1, false);
		expect(row).toContain('\u001B[0;1;31mred');
		expect(row).toContain('\u001B[0;7;38;5;200mX');
		expect(row!.endsWith(' ')).toBe(true);
		expect(stripAnsi(row!)).toBe('red X     ');
	});

	test('counts a wide character as two columns', async () => {
		const terminal = await terminalWith('漢字ab');
		const [row] = screenRows(terminal, 10, 1, false);
		expect(row).toBe('漢字ab    ');
	});

	test('shows the cursor as a reversed cell when asked', async () => {
		const terminal = await terminalWith('>>> ');
		const [row] = screenRows(terminal, 6, 1, true);
		expect(row).toBe('>>> \u001B[0;7m \u001B[0m ');
	});
});

describe('keysFor', () => {
	const normal = {applicationCursorKeysMode: false, bracketedPasteMode: false};
	test('passes keys as typed', () => {
		expect(keysFor('print(6*7)\r', normal)).toBe('print(6*7)\r');
		expect(keysFor('\u0003', normal)).toBe('\u0003');
		expect(keysFor('\u001B[A', normal)).toBe('\u001B[A');
	});

	test('arrow keys follow the program\'s cursor-key mode', () => {
		expect(keysFor('\u001B[A', {...normal, applicationCursorKeysMode: true})).toBe('\u001BOA');
	});

	test('paste brackets go through only when the program asked for them', () => {
		expect(keysFor('\u001B[200~', normal)).toBe('');
		expect(keysFor('\u001B[200~', {...normal, bracketedPasteMode: true})).toBe('\u001B[200~');
		expect(keysFor('\u001B[200~a\rb\u001B[201~', normal)).toBe('a\rb');
	});
});
