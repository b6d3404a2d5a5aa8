/**
Terminals that are not a colour UTF-8 xterm, through the built `procui` in a real PTY: NO_COLOR,
a non-UTF-8 locale, TERM=dumb.
*/
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {tempDir} from '../helpers/daemon.js';
import {cleanedAfterEach, runInTerminal, type Screen} from './terminal.js';

const {screens, dirs} = cleanedAfterEach();

function start(env: NodeJS.ProcessEnv): Screen {
	const dir = tempDir();
	dirs.push(dir);
	// Coloured output of its own: NO_COLOR must take these colours off too.
	fs.writeFileSync(path.join(dir, 'circus.ini'), `[watcher:painter]
shell = true
cmd = printf '\\033[31mred needle\\033[0m\\n\\033[38;5;82mgreen needle\\033[0m\\n'; exec sleep 1000
`);
	const screen = runInTerminal(['circus.ini', '--endpoint', `ipc://${path.join(dir, 'procui.sock')}`], {cwd: dir, columns: 100, rows: 30, env});
	screens.push(screen);
	return screen;
}

/** SGR parameters that set a colour, anywhere in the raw output. */
// eslint-disable-next-line no-control-regex -- matching SGR sequences is the point
const colorCodes = (raw: string): string[] => [...raw.matchAll(/\u001B\[([\d;:]*)m/gu)].flatMap((match) => match[1]!.split(';')).filter((code) => /^(?:3\d|4\d|9[0-7]|10[0-7]|58|59)$/u.test(code));

async function quit(screen: Screen): Promise<void> {
	screen.type('q');
	await screen.waitFor(/Quit procui\?/u, 'the quit question');
	screen.type('y');
	expect(await screen.exited).toBe(0);
}

describe('NO_COLOR and FORCE_COLOR=0', () => {
	test.each([{NO_COLOR: '1'}, {FORCE_COLOR: '0'}])('%o: not one colour code is written; the current match is in reverse video', async (env) => {
		const screen = start(env);
		await screen.waitFor('green needle', 'the coloured lines');
		screen.type('/needle\r');
		await screen.waitFor('/needle: match 1 of 2', 'a match');
		// The cell of the current match (the newest line, "green needle"): reverse video, default colours.
		const lines = screen.text().split('\n');
		const row = lines.findIndex((line) => line.includes('green needle'));
		const column = lines[row]!.indexOf('needle');
		const cell = screen.terminal.buffer.active.getLine(screen.terminal.buffer.active.viewportY + row)!.getCell(column)!;
		expect(cell.isInverse()).toBeTruthy();
		expect(cell.isFgDefault() && cell.isBgDefault()).toBe(true);
		await quit(screen);
		expect(colorCodes(screen.output())).toEqual([]);
	});
});

test('a non-UTF-8 locale (LC_ALL=C): ASCII borders, ASCII charts, nothing beyond ASCII written', async () => {
	const screen = start({LC_ALL: 'C', LANG: 'C'});
	// The layout comes first and the watcher's state once the supervisor answers: wait for both.
	const text = await screen.waitFor((current) => current.includes('green needle') && current.includes('+- Watchers (1)') && /\|>\* painter/u.test(current), 'the ASCII screen, the watcher running');
	expect(text).toMatch(/^\+- Logs \. painter -+/mu);
	await quit(screen);
	expect([...screen.output()].filter((char) => char.codePointAt(0)! >= 0x80)).toEqual([]);
});

test('TERM=dumb: no full screen; it says to use ctl and logs, and exits 2', async () => {
	const dir = tempDir();
	dirs.push(dir);
	fs.writeFileSync(path.join(dir, 'circus.ini'), '[watcher:a]\ncmd = sleep 1000\n');
	const screen = runInTerminal(['circus.ini'], {cwd: dir, columns: 100, rows: 30, env: {TERM: 'dumb'}});
	screens.push(screen);
	expect(await screen.exited).toBe(2);
	await screen.outputHolds('TERM=dumb');
	await screen.outputHolds('procui ctl status');
	await screen.outputHolds('procui logs -f');
	expect(screen.output()).not.toContain('\u001B[?1049h');
});
