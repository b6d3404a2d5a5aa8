/**
The built `procui` in a pseudo-terminal, read back through a terminal emulator, driven by keys:
embedded (supervisor and UI in one process) and attached to a daemon.
*/
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {pidsMatching, startDaemon, tempDir, waitFor, type Daemon} from '../helpers/daemon.js';
import {runInTerminal, type Screen} from './terminal.js';

/** A config whose processes can be found in /proc by a marker unique to this run. */
function fixture(): {config: string; alpha: string; beta: string} {
	const run = `${process.pid}x${Math.floor(Math.random() * 1e9)}`;
	const alpha = `procui-e2e-alpha-${run}`;
	const beta = `procui-e2e-beta-${run}`;
	const config = `[circus]
check_delay = 1

[watcher:alpha]
shell = true
graceful_timeout = 3
cmd = i=0; while true; do i=$((i+1)); echo "alpha line $i needle-$i"; sleep 0.2; done # ${alpha}

[watcher:beta]
shell = true
numprocesses = 2
graceful_timeout = 3
cmd = while true; do echo "beta $$ alive"; sleep 0.5; done # ${beta}
`;
	return {config, alpha, beta};
}

/** Wait until `count` processes carry `marker`: a watcher's shell forks for each `sleep`, and the
child has the shell's command line until it execs, so a single look can count one more. */
async function processes(marker: string, count: number): Promise<void> {
	await waitFor(() => pidsMatching(marker).length === count, {what: `${count} processes of ${marker}`});
}

/** The row of the watcher list for a watcher. */
const watcherRow = (screen: string, name: string): string => screen.split('\n').find((line) => new RegExp(`[▸ ][●◐○✖] ${name}\\b`, 'u').test(line)) ?? '';

const screens: Screen[] = [];
const daemons: Daemon[] = [];
const dirs: string[] = [];
afterEach(async () => {
	for (const screen of screens.splice(0)) {
		screen.kill();
	}

	await Promise.all(daemons.splice(0).map(async (daemon) => daemon.stop()));
	for (const dir of dirs.splice(0)) {
		fs.rmSync(dir, {recursive: true, force: true});
	}
});

describe('procui (embedded)', () => {
	test('start on a config, stop with x, scale with +, search, resize, quit with q: no child left, terminal restored', async () => {
		const dir = tempDir();
		dirs.push(dir);
		const {config, alpha, beta} = fixture();
		fs.writeFileSync(path.join(dir, 'circus.ini'), config);
		const screen = runInTerminal(['circus.ini', '--endpoint', `ipc://${path.join(dir, 'run', 'procui.sock')}`], {cwd: dir, columns: 100, rows: 30});
		screens.push(screen);

		// The watchers and their processes, on the alternate screen.
		let text = await screen.waitFor((current) => watcherRow(current, 'alpha').includes('1/1') && watcherRow(current, 'beta').includes('2/2'), 'both watchers running');
		expect(screen.bufferType()).toBe('alternate');
		expect(text).toContain('EMBEDDED');
		await screen.waitFor('alpha line', 'alpha\'s output in the log pane');
		await waitFor(() => pidsMatching(beta).length === 2, {what: 'two beta processes'});

		// x on beta: the screen and the process table agree.
		screen.type('j');
		await screen.waitFor('Logs · beta', 'beta selected');
		screen.type('x');
		text = await screen.waitFor((current) => watcherRow(current, 'beta').includes('stopped') && current.includes('✓ stop beta'), 'beta stopped');
		expect(watcherRow(text, 'beta')).toContain('0/2');
		expect(pidsMatching(beta)).toEqual([]);
		await processes(alpha, 1);

		// Start it again and scale it with +.
		screen.type('s');
		await screen.waitFor((current) => watcherRow(current, 'beta').includes('2/2'), 'beta running again');
		screen.type('+');
		await screen.waitFor((current) => watcherRow(current, 'beta').includes('3/3'), 'beta scaled to 3');
		await waitFor(() => pidsMatching(beta).length === 3, {what: 'three beta processes'});

		// Search alpha's logs.
		screen.type('k');
		await screen.waitFor((current) => current.includes('Logs · alpha') && current.includes('alpha line'), 'alpha selected, its lines shown');
		screen.type('/');
		await screen.waitFor(/^\/\s*$/mu, 'the search prompt');
		// `line 3 needle` is in line 3 only (needle-3 is also in 30-39, which a slow run reaches first).
		screen.type('line 3 needle');
		await screen.waitFor('/line 3 needle', 'the query typed');
		screen.type('\r');
		text = await screen.waitFor(/\/line 3 needle: match 1 of 1\b/u, 'a match');
		expect(text).toMatch(/alpha line 3 needle-3\b/u);

		// Resize: the wide layout shows both lists.
		await screen.resize(130, 36);
		text = await screen.waitFor((current) => current.includes('Watchers (2)') && current.includes('Processes · alpha') && current.split('\n').length === 36, 'the wide layout');
		expect(text.split('\n').every((line) => line.length <= 130)).toBe(true);
		await screen.resize(80, 24);
		await screen.waitFor((current) => !current.includes('Processes ·') && current.includes('Watchers (2)'), 'the narrow layout');

		// Quit: asked first, every process stopped, the terminal as it was.
		screen.type('q');
		await screen.waitFor('Quit procui?', 'the quit question');
		screen.type('y');
		expect(await screen.exited).toBe(0);
		expect(pidsMatching(alpha)).toEqual([]);
		expect(pidsMatching(beta)).toEqual([]);
		expect(await screen.restored()).toBe(true);
	});

	test('without a terminal it says what to use instead and exits 2', async () => {
		const {execFile} = await import('node:child_process');
		const {cliPath} = await import('../helpers/daemon.js');
		const result = await new Promise<{code: number | null; stderr: string}>((resolve) => {
			const child = execFile(process.execPath, [cliPath, '-c', 'sleep 1'], (error, _stdout, stderr) => {
				resolve({code: error ? (error as unknown as {code: number}).code : 0, stderr});
			});
			child.stdin?.end();
		});
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('needs a terminal');
		expect(result.stderr).toContain('procui daemon');
		expect(result.stderr).toContain('procui ctl');
		expect(result.stderr).toContain('procui logs');
	});

	test('with no configuration here it says what to do', async () => {
		const dir = tempDir();
		dirs.push(dir);
		const screen = runInTerminal([], {cwd: dir, columns: 100, rows: 30});
		screens.push(screen);
		expect(await screen.exited).toBe(2);
		await screen.outputHolds('no configuration found');
		await screen.outputHolds('procui -c');
	});

	test('SIGTERM quits gracefully and restores the terminal', async () => {
		const dir = tempDir();
		dirs.push(dir);
		const {config, alpha} = fixture();
		fs.writeFileSync(path.join(dir, 'circus.ini'), config);
		const screen = runInTerminal(['circus.ini', '--endpoint', `ipc://${path.join(dir, 'run', 'procui.sock')}`], {cwd: dir, columns: 100, rows: 30});
		screens.push(screen);
		await screen.waitFor((current) => watcherRow(current, 'beta').includes('2/2'), 'watchers running');
		const [procui] = pidsMatching(path.join('dist', 'cli.js')).filter((pid) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir));
		expect(procui).toBeDefined();
		process.kill(procui!, 'SIGTERM');
		expect(await screen.exited).toBe(0);
		expect(pidsMatching(alpha)).toEqual([]);
		expect(await screen.restored()).toBe(true);
	});
});

describe('procui attach', () => {
	test('the same UI on a daemon: stop with x, scale with +, search, resize; q detaches and the daemon keeps its processes', async () => {
		const {config, alpha, beta} = fixture();
		const daemon = await startDaemon(config);
		daemons.push(daemon);
		await waitFor(() => pidsMatching(beta).length === 2, {what: 'the daemon\'s beta processes'});
		const screen = runInTerminal(['attach', '--endpoint', daemon.endpoint], {cwd: daemon.dir, columns: 100, rows: 30});
		screens.push(screen);

		let text = await screen.waitFor((current) => watcherRow(current, 'beta').includes('2/2') && current.includes('alpha line'), 'the daemon\'s watchers');
		expect(text).toContain('ATTACHED');
		expect(screen.bufferType()).toBe('alternate');

		screen.type('j');
		await screen.waitFor('Logs · beta', 'beta selected');
		screen.type('x');
		text = await screen.waitFor((current) => watcherRow(current, 'beta').includes('stopped') && current.includes('✓ stop beta'), 'beta stopped');
		expect(pidsMatching(beta)).toEqual([]);

		screen.type('s');
		await screen.waitFor((current) => watcherRow(current, 'beta').includes('2/2'), 'beta running again');
		screen.type('+');
		await screen.waitFor((current) => watcherRow(current, 'beta').includes('3/3'), 'beta scaled to 3');
		await waitFor(() => pidsMatching(beta).length === 3, {what: 'three beta processes'});

		screen.type('k');
		await screen.waitFor((current) => current.includes('Logs · alpha') && current.includes('alpha line'), 'alpha selected, its lines shown');
		screen.type('/');
		await screen.waitFor(/^\/\s*$/mu, 'the search prompt');
		screen.type('needle-2');
		await screen.waitFor('/needle-2', 'the query typed');
		screen.type('\r');
		await screen.waitFor(/\/needle-2: match 1 of \d+/u, 'a match');

		await screen.resize(130, 36);
		await screen.waitFor((current) => current.includes('Processes · alpha') && current.split('\n').length === 36, 'the wide layout');

		screen.type('q');
		expect(await screen.exited).toBe(0);
		expect(await screen.restored()).toBe(true);
		// Detached: the daemon and its processes are still there.
		await processes(alpha, 1);
		await processes(beta, 3);
		expect(await daemon.ok('status', {})).toMatchObject({statuses: {alpha: 'active', beta: 'active'}});
	});
});
