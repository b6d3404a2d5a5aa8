/**
Interactive programs inside procui, through the built `procui` in a real PTY read by a terminal
emulator: output without a newline, full-screen programs, typing into a process.
*/
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, expect, test} from 'vitest';
import {tempDir} from '../helpers/daemon.js';
import {runInTerminal, type Screen} from './terminal.js';

const screens: Screen[] = [];
const dirs: string[] = [];
afterEach(() => {
	for (const screen of screens.splice(0)) {
		screen.kill();
	}

	for (const dir of dirs.splice(0)) {
		fs.rmSync(dir, {recursive: true, force: true});
	}
});

function start(ini: string, size: {columns: number; rows: number} = {columns: 120, rows: 32}): Screen {
	const dir = tempDir();
	dirs.push(dir);
	fs.writeFileSync(path.join(dir, 'circus.ini'), ini);
	const screen = runInTerminal(['circus.ini', '--endpoint', `ipc://${path.join(dir, 'procui.sock')}`], {cwd: dir, ...size});
	screens.push(screen);
	return screen;
}

test('a progress bar without a newline shows as it arrives, and its \\r frame is replaced, not repeated', async () => {
	const screen = start(`[watcher:bar]
shell = true
cmd = echo start; printf 'progress 10%%'; sleep 1; printf '\\rprogress 50%%'; sleep 6; printf '\\rprogress 100%%\\n'; echo end; exec sleep 1000
`);
	const text = await screen.waitFor('progress 50%', 'the unfinished progress line', 30_000);
	expect(text).not.toContain('progress 10%');
	expect(text).not.toContain('end');
	const done = await screen.waitFor('end', 'the completed line', 30_000);
	expect(done).toContain('progress 100%');
	expect(done).not.toContain('progress 50%');
	expect(done.split('progress 100%').length).toBe(2);
});
