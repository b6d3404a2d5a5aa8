/**
Keys as a terminal delivers them: several in one read (a fast typist, tmux send-keys, a loaded
machine), through the built `procui` in a real PTY.
*/
import fs from 'node:fs';
import path from 'node:path';
import {expect, test} from 'vitest';
import {tempDir} from '../helpers/daemon.js';
import {cleanedAfterEach, runInTerminal} from './terminal.js';

const {screens, dirs} = cleanedAfterEach();

test('keys in one burst: nnnnn moves five matches, Ctrl-U after text clears the prompt', async () => {
	const dir = tempDir();
	dirs.push(dir);
	fs.writeFileSync(path.join(dir, 'circus.ini'), `[watcher:rows]
shell = true
cmd = for i in $(seq 1 30); do echo "row $i"; done; exec sleep 1000
`);
	const screen = runInTerminal(['circus.ini', '--endpoint', `ipc://${path.join(dir, 'procui.sock')}`], {cwd: dir, columns: 100, rows: 30});
	screens.push(screen);
	await screen.waitFor('row 30', 'the rows in the log pane');
	screen.type('/');
	await screen.waitFor(/^\/\s*$/mu, 'the search prompt');
	screen.type('row\r');
	await screen.waitFor('/row: match 1 of 30', 'the newest match');

	// One write: the five keys reach procui in one read.
	screen.type('nnnnn');
	await screen.waitFor('/row: match 6 of 30', 'five matches further');

	screen.type(':');
	await screen.waitFor(/^:\s*$/mu, 'the command prompt');
	screen.type('abc\u0015de');
	const text = await screen.waitFor(/^:de\s*$/mu, 'the prompt cleared, then de');
	expect(text).not.toContain(':abc');
	screen.type('\u001B');
	// Esc and q in one read would be Alt-q: wait for the prompt to close first.
	await screen.waitFor((current) => !/^:de/mu.test(current), 'the prompt closed');
	screen.type('q');
	await screen.waitFor('Quit procui?', 'the quit question');
	screen.type('y');
	expect(await screen.exited).toBe(0);
});
