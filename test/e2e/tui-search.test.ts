/**
`/` searches the whole scrollback on the supervisor, not only the lines the view holds, through
the built `procui` in a real PTY.
*/
import {afterEach, expect, test} from 'vitest';
import {startDaemon, waitFor, type Daemon} from '../helpers/daemon.js';
import {cleanedAfterEach, runInTerminal} from './terminal.js';

const {screens} = cleanedAfterEach();
const daemons: Daemon[] = [];

afterEach(async () => {
	await Promise.all(daemons.splice(0).map(async (daemon) => daemon.stop()));
});

test('finds line 5,000 of 10,000 without g, says the scrollback was searched, and n goes further back', async () => {
	// Printed before the view attaches: it fetches the newest 2,000 lines, and the lines searched
	// for are far older.
	const daemon = await startDaemon(`[watcher:counter]
shell = true
cmd = seq -f 'count %05g' 1 10000; echo 'counting done'; exec sleep 1000
procui.scrollback = 20000
`);
	daemons.push(daemon);
	await waitFor(async () => JSON.stringify(await daemon.ok('logs', {name: 'counter', lines: 1})).includes('counting done'), {what: 'the counter to finish'});
	const screen = runInTerminal(['attach', '--endpoint', daemon.endpoint], {cwd: daemon.dir, columns: 100, rows: 30});
	screens.push(screen);
	await screen.waitFor('counting done', 'the last line in the log pane');
	screen.type('/');
	await screen.waitFor(/^\/\s*$/mu, 'the search prompt');
	screen.type('count 05000\r');
	// The pane's title and the status line may change in two frames (CI once read the title's match
	// with the status line not yet updated): waited for together.
	const found = await screen.waitFor((text) => /count 05000: match 1 of 1 \(scrollback\)/u.test(text) && /searched the whole scrollback: 1 match in 10001 lines/u.test(text), 'the match found in the scrollback, and the status line saying where it searched');
	expect(found).toMatch(/^\s*│count 05000 /mu);

	// A query with matches both held and far back: n walks past the held ones into the scrollback.
	screen.type('/');
	await screen.waitFor(/^\/\s*$/mu, 'the search prompt');
	screen.type('count 0000\r');
	await screen.waitFor(/count 0000: match 1 of 9 \(scrollback\)/u, 'the newest of the oldest lines');
	expect(screen.text()).toMatch(/^\s*│count 00009 /mu);
	screen.type('nnnnnnnn');
	await screen.waitFor(/count 0000: match 9 of 9/u, 'the oldest match');
	expect(screen.text()).toMatch(/^\s*│count 00001 /mu);
	screen.type('n');
	await screen.waitFor(/no older match/u, 'the end of the matches');
	screen.type('q');
	expect(await screen.exited).toBe(0);
});
