/**
The mouse and copying out, through the built `procui` in a real PTY read by a terminal emulator:
clicks and the wheel arrive as the terminal sends them (SGR reports), copy mode's `y` writes OSC
52, `W` writes a file.
*/
import fs from 'node:fs';
import path from 'node:path';
import {expect, test} from 'vitest';
import {tempDir} from '../helpers/daemon.js';
import {cleanedAfterEach, runInTerminal, type Screen} from './terminal.js';

const {screens, dirs} = cleanedAfterEach();

const mouseOn = ['\u001B[?1000h', '\u001B[?1006h'];
const mouseOff = ['\u001B[?1000l', '\u001B[?1006l'];

/** A left click at a cell (0-based), as an xterm in SGR mode reports it: press, then release. */
const click = (x: number, y: number): string => `\u001B[<0;${x + 1};${y + 1}M\u001B[<0;${x + 1};${y + 1}m`;
/** One notch of the wheel: -1 up, 1 down. */
const wheel = (direction: -1 | 1, x: number, y: number): string => `\u001B[<${direction < 0 ? 64 : 65};${x + 1};${y + 1}M`;

function start(ini: string, options: {args?: string[]; columns?: number; rows?: number} = {}): {screen: Screen; dir: string} {
	const dir = tempDir();
	dirs.push(dir);
	fs.writeFileSync(path.join(dir, 'circus.ini'), ini);
	// TMUX empty: the clipboard sequence is the plain one even when the tests run inside tmux.
	const screen = runInTerminal(['circus.ini', '--endpoint', `ipc://${path.join(dir, 'procui.sock')}`, ...(options.args ?? [])], {cwd: dir, columns: options.columns ?? 100, rows: options.rows ?? 30, env: {TMUX: ''}});
	screens.push(screen);
	return {screen, dir};
}

/** The row and column where `text` is on the screen. */
function find(screen: string, text: string | RegExp): {x: number; y: number} {
	const rows = screen.split('\n');
	const y = rows.findIndex((row) => (typeof text === 'string' ? row.includes(text) : text.test(row)));
	if (y === -1) {
		throw new Error(`${String(text)} is not on the screen:\n${screen}`);
	}

	const x = typeof text === 'string' ? rows[y]!.indexOf(text) : rows[y]!.search(text);
	return {x, y};
}

/** The rows inside the log pane (between its title row and its bottom border). */
function logRows(screen: string): string[] {
	const rows = screen.split('\n');
	const top = rows.findIndex((row) => row.includes('Logs ·'));
	const bottom = rows.findIndex((row, index) => index > top && row.startsWith('╰'));
	return rows.slice(top + 1, bottom).map((row) => row.replace(/^│/u, '').replace(/│$/u, '').trimEnd());
}

async function quit(screen: Screen): Promise<void> {
	// The quit question comes only once the UI knows processes run (else q quits at once).
	await screen.waitFor((current) => /\s1\/1\s/u.test(current) && !/\s0\/1\s/u.test(current), 'every process running');
	screen.type('q');
	await screen.waitFor('Quit procui?', 'the quit question');
	screen.type('y');
	expect(await screen.exited).toBe(0);
}

const twoWatchers = `[watcher:alpha]
shell = true
cmd = echo "alpha says hi"; exec sleep 1000

[watcher:beta]
shell = true
cmd = echo "beta says hi"; exec sleep 1000
`;

test('a click on the second watcher selects it; quitting turns mouse reporting off and leaves the terminal clean', async () => {
	const {screen} = start(twoWatchers);
	const first = await screen.waitFor('alpha says hi', 'the first watcher\'s logs');
	expect(first).toContain('Logs · alpha');
	for (const sequence of mouseOn) {
		expect(screen.output()).toContain(sequence);
	}

	const {x, y} = find(first, / beta /u);
	screen.type(click(x + 2, y));
	const text = await screen.waitFor((current) => current.includes('Logs · beta') && current.includes('beta says hi'), 'the second watcher\'s logs');
	// Nothing of the report was read as keys (`;`, digits, `M`): no prompt, no notice.
	expect(text).toContain('Ready. ? lists every key.');

	await quit(screen);
	// Waits for the last of the output, which can come after the exit.
	expect(await screen.restored()).toBe(true);
	const output = screen.output();
	for (const [on, off] of mouseOn.map((sequence, index) => [sequence, mouseOff[index]!] as const)) {
		expect(output.lastIndexOf(off)).toBeGreaterThan(output.lastIndexOf(on));
	}

});

test('the wheel over the log pane scrolls it three lines a notch, and back down to following', async () => {
	const {screen} = start(`[watcher:rows]
shell = true
cmd = for i in $(seq 1 60); do echo "row $i"; done; exec sleep 1000
`);
	const text = await screen.waitFor('row 60', 'the rows in the log pane');
	expect(text).toContain('following');
	const pane = find(text, 'row 60');
	// A frame can reach the emulator in pieces: wait for the title and the rows together.
	const showing = (flag: string, last: string) => (current: string): boolean => current.includes(flag) && logRows(current).at(-1) === last;
	screen.type(wheel(-1, pane.x, pane.y));
	const scrolled = await screen.waitFor(showing('paused · 3 newer', 'row 57'), 'the pane three lines up');
	expect(scrolled).not.toContain('row 58');
	screen.type(wheel(-1, pane.x, pane.y));
	await screen.waitFor(showing('paused · 6 newer', 'row 54'), 'three more');
	screen.type(wheel(1, pane.x, pane.y) + wheel(1, pane.x, pane.y));
	await screen.waitFor(showing('following', 'row 60'), 'following again');
});

test('--no-mouse leaves mouse reporting off', async () => {
	const {screen} = start(twoWatchers, {args: ['--no-mouse']});
	await screen.waitFor('alpha says hi', 'the first watcher\'s logs');
	expect(screen.terminal.modes.mouseTrackingMode).toBe('none');
	await quit(screen);
	expect(await screen.restored()).toBe(true);
	for (const sequence of [...mouseOn, ...mouseOff]) {
		expect(screen.output()).not.toContain(sequence);
	}
});

test('input mode: a click is not typed into the process, and keys still are', async () => {
	const {screen} = start(`[watcher:echo]
shell = true
cmd = printf '\\033[3;1Hsay something\\n'; while read -r line; do echo "got [$line]"; done
`);
	// The cursor moved to row 3: the pane shows the process's terminal, which \`i\` needs open.
	const first = await screen.waitFor((current) => current.includes('say something') && /─ screen ─╮/u.test(current), 'the process\'s terminal');
	screen.type('\t\t');
	await screen.waitFor(/i type in/u, 'the log pane focused');
	screen.type('i');
	await screen.waitFor('Ctrl-] leave input mode', 'input mode');
	const {x, y} = find(first, / echo /u);
	screen.type(click(x, y));
	screen.type(wheel(-1, 10, 20));
	screen.type('hello\r');
	const text = await screen.waitFor('got [hello]', 'the line typed');
	expect(text).not.toContain('[<');
	expect(text).not.toMatch(/got \[.*\d;\d/u);
	screen.type('\u001D');
	await screen.waitFor((current) => !current.includes('INPUT'), 'input mode left');
});

const fiveLines = `[watcher:lines]
shell = true
cmd = for i in 1 2 3 4 5; do echo "line $i"; done; exec sleep 1000
`;

test('copy mode: v, j, j, y puts exactly those three lines on the clipboard with OSC 52', async () => {
	const {screen} = start(fiveLines);
	await screen.waitFor('line 5', 'the lines');
	screen.type('v');
	await screen.waitFor('COPY: 1 selected', 'copy mode');
	screen.type('j');
	await screen.waitFor('COPY: 2 selected', 'the selection a line longer');
	screen.type('j');
	await screen.waitFor('COPY: 3 selected', 'and another');
	screen.type('y');
	const text = await screen.waitFor('copied 3 lines', 'the status line');
	expect(text).not.toContain('COPY:');
	// eslint-disable-next-line no-control-regex -- the sequence is what is tested
	const copies = [...screen.output().matchAll(/\u001B\]52;c;([A-Za-z\d+/=]*)\u0007/gu)];
	expect(copies).toHaveLength(1);
	expect(Buffer.from(copies[0]![1]!, 'base64').toString('utf8')).toBe('line 1\nline 2\nline 3');
});

test('copy mode: Esc leaves without copying; k at the top line stays there', async () => {
	const {screen} = start(fiveLines);
	await screen.waitFor('line 5', 'the lines');
	screen.type('v');
	await screen.waitFor('COPY: 1 selected', 'copy mode');
	screen.type('k');
	screen.type('j');
	await screen.waitFor('COPY: 2 selected', 'the selection');
	screen.type('\u001B');
	await screen.waitFor((current) => !current.includes('COPY:'), 'copy mode left');
	expect(screen.output()).not.toContain('\u001B]52;');
});

test('W writes the log shown to a file in the current directory and says where', async () => {
	const {screen, dir} = start(fiveLines);
	await screen.waitFor('line 5', 'the lines');
	screen.type('W');
	const text = await screen.waitFor(/wrote 5 lines to/u, 'the status line');
	const files = fs.readdirSync(dir).filter((name) => /^procui-lines-\d{8}-\d{6}\.log$/u.test(name));
	expect(files).toHaveLength(1);
	expect(text).toContain(files[0]!.slice(0, 20));
	expect(fs.readFileSync(path.join(dir, files[0]!), 'utf8')).toBe('line 1\nline 2\nline 3\nline 4\nline 5\n');
	// What the pane shows is what the file holds.
	expect(logRows(text).filter((row) => row !== '')).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'line 5']);
});
