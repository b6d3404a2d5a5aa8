/**
The terminal view's data through a real supervisor (in-process, as `procui CONFIG` runs it, and
over its socket, as `procui attach` does): a running program's screen replayed from the raw tail,
then followed live, each byte drawn once.
*/
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, test, vi} from 'vitest';
import {loadConfig} from '../../source/config/index.js';
import {SocketClient} from '../../source/control/client.js';
import {Supervisor} from '../../source/control/supervisor.js';
import type {SupervisorClient} from '../../source/control/supervisor-client.js';
import {stripAnsi} from '../../source/ui/text/ansi-text.js';
import {TerminalFeed} from '../../source/ui/terminal/terminal-feed.js';
import type {RawTail} from '../../source/io/raw-tail.js';
import {tempDir, waitFor} from '../helpers/daemon.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) {
		await cleanup();
	}
});

// Switches to the alternate screen, writes READY at row 3, then 60 x's on row 2, one every 30 ms.
const program = `printf '\\033[?1049h\\033[3;4HREADY\\033[2;1H'; for i in $(seq 1 60); do printf x; sleep 0.03; done; exec sleep 1000`;

async function startSupervisor(): Promise<Supervisor> {
	const dir = tempDir();
	directory = dir;
	fs.writeFileSync(path.join(dir, 'circus.ini'), `[watcher:screen]
shell = true
cmd = ${program}

[watcher:piped]
cmd = sleep 1000
pty = false

[watcher:lines]
shell = true
cmd = while [ ! -e GO ]; do seq 1 2000; sleep 0.05; done; printf '\\033[?1049h\\033[2;3HSCREEN'; exec sleep 1000

[watcher:stops]
shell = true
cmd = while [ ! -e STOP ]; do seq 1 2000; sleep 0.05; done; sleep 0.2; echo last; exec sleep 1000

[watcher:clears]
shell = true
cmd = printf '\\033[H\\033[2Jcompiling\\r\\ndone\\r\\n'; exec sleep 1000

[watcher:clears-below]
shell = true
cmd = for i in 1 2 3; do printf '\\n\\n\\n\\033[1;1H\\033[0Jbuild %s ok\\r\\n' $i; sleep 0.05; done; exec sleep 1000

[watcher:clears-split]
shell = true
cmd = for i in 1 2 3; do printf '\\033[H'; sleep 0.05; printf '\\033[2Jbuild %s ok\\r\\n' $i; sleep 0.05; done; exec sleep 1000

[watcher:redraws-split]
shell = true
cmd = for i in 1 2 3; do printf '\\033[H'; sleep 0.05; printf 'TOP %s\\r\\n' $i; sleep 0.05; done; exec sleep 1000

[watcher:del]
shell = true
cmd = printf 'a\\177b\\n'; exec sleep 1000
`);
	const config = loadConfig(path.join(dir, 'circus.ini'), {cwd: dir, environ: process.env});
	const supervisor = new Supervisor({config, endpoint: `ipc://${path.join(dir, 'procui.sock')}`, log: () => undefined, loadConfig: () => config});
	await supervisor.start();
	cleanups.push(async () => {
		await supervisor.arbiter.quit();
		await supervisor.close();
		fs.rmSync(dir, {recursive: true, force: true});
	});
	return supervisor;
}

/** The last supervisor's folder (its watchers' working directory). */
let directory = '';

/** A feed of a watcher's process (in a 20×4 pane) once it rests, and that process's raw tail. */
async function restingFeed(name: string): Promise<{feed: TerminalFeed; tail: RawTail}> {
	const supervisor = await startSupervisor();
	const pid = await waitFor(() => pidOf(supervisor, name));
	const feed = new TerminalFeed(supervisor.client(), () => undefined);
	cleanups.push(async () => feed.stop());
	feed.setSize(20, 4);
	feed.setTarget({name, pid});
	const tail = supervisor.arbiter.watchers.get(name)!.running[0]!.rawTail!;
	await waitFor(() => feed.resting, {what: 'the feed resting', timeoutMs: 20_000});
	return {feed, tail};
}

const pidOf = (supervisor: Supervisor, name: string): number | undefined => supervisor.arbiter.watchers.get(name)?.running[0]?.pid;

describe.each([['in-process', false], ['over the socket', true]])('TerminalFeed (%s)', (_how, socket) => {
	test('replays a running program\'s screen, then follows it, drawing each byte once', async () => {
		const supervisor = await startSupervisor();
		let client: SupervisorClient = supervisor.client();
		if (socket) {
			const connected = await SocketClient.connect(supervisor.endpoint);
			cleanups.push(async () => connected.close());
			client = {
				endpoint: connected.endpoint.url,
				call: async (command, properties) => connected.call(command, properties),
				subscribe: async (topics, onEvent) => connected.subscribe(topics, onEvent),
				close: async () => connected.close(),
			};
		}

		const pid = await waitFor(() => pidOf(supervisor, 'screen'));
		// Started mid-stream: some x's are in the tail, the rest come live.
		await waitFor(() => supervisor.arbiter.watchers.get('screen')!.running[0]!.rawTail!.total > 40, {what: 'some x\'s'});
		const feed = new TerminalFeed(client, () => undefined);
		cleanups.push(async () => feed.stop());
		feed.setSize(80, 5);
		feed.setTarget({name: 'screen', pid});
		await waitFor(() => feed.active, {what: 'the screen shown'});
		const rows = (): string[] => feed.rows(80, 5, false).map((row) => stripAnsi(row).trimEnd());
		expect(rows()[2]).toBe('   READY');
		// Every byte the program wrote (its screen set-up, then exactly 60 x's) drawn: the x's are there once.
		const tail = supervisor.arbiter.watchers.get('screen')!.running[0]!.rawTail!;
		const written = 'READY'.length + 60 + '\u001B[?1049h\u001B[3;4H\u001B[2;1H'.length;
		await waitFor(() => tail.total >= written && feed.drawnBytes === tail.total, {what: 'every byte drawn', timeoutMs: 20_000});
		expect(rows()[1]).toBe('x'.repeat(60));
		expect(feed.target).toEqual({name: 'screen', pid});
	});

	test('live chunks the screen reply already holds are not drawn twice', async () => {
		const supervisor = await startSupervisor();
		const real = supervisor.client();
		let live = 0;
		// The screen request goes out only after live chunks arrived: its tail holds them too.
		const client: SupervisorClient = {
			...real,
			subscribe: async (topics, onEvent) => real.subscribe(topics, (event) => {
				live++;
				onEvent(event);
			}),
			async call(command, properties) {
				if (command === 'screen') {
					await waitFor(() => live >= 5, {what: 'live chunks before the screen request'});
				}

				return real.call(command, properties);
			},
		};
		const pid = await waitFor(() => pidOf(supervisor, 'screen'));
		const feed = new TerminalFeed(client, () => undefined);
		cleanups.push(async () => feed.stop());
		feed.setSize(80, 5);
		feed.setTarget({name: 'screen', pid});
		const tail = supervisor.arbiter.watchers.get('screen')!.running[0]!.rawTail!;
		const written = 'READY'.length + 60 + '\u001B[?1049h\u001B[3;4H\u001B[2;1H'.length;
		await waitFor(() => tail.total >= written && feed.drawnBytes === tail.total, {what: 'every byte drawn', timeoutMs: 20_000});
		expect(stripAnsi(feed.rows(80, 5, false)[1]!).trimEnd()).toBe('x'.repeat(60));
	});

	test('a program that only clears the screen (a watch-mode compiler) keeps the lines view', async () => {
		const supervisor = await startSupervisor();
		const pid = await waitFor(() => pidOf(supervisor, 'clears'));
		const feed = new TerminalFeed(supervisor.client(), () => undefined);
		cleanups.push(async () => feed.stop());
		feed.setTarget({name: 'clears', pid});
		await waitFor(() => feed.drawnBytes > 0 && stripAnsi(feed.rows(20, 3, false).join('\n')).includes('done'), {what: 'the output drawn'});
		expect(feed.target).toEqual({name: 'clears', pid});
		expect(feed.active).toBe(false);
	});

	// Node's readline.cursorTo(0, 0) + clearScreenDown() (Vite's and Vue CLI's clearConsole), and a
	// home and an erase written apart: both are `clear`.
	test.each(['clears-below', 'clears-split'])('%s: a clear written as home + erase-below, or in two writes, keeps the lines view', async (name) => {
		const supervisor = await startSupervisor();
		const pid = await waitFor(() => pidOf(supervisor, name));
		const feed = new TerminalFeed(supervisor.client(), () => undefined);
		cleanups.push(async () => feed.stop());
		feed.setTarget({name, pid});
		const tail = supervisor.arbiter.watchers.get(name)!.running[0]!.rawTail!;
		await waitFor(() => stripAnsi(feed.rows(20, 3, false).join('\n')).includes('build 3 ok') && feed.drawnBytes === tail.total, {what: 'the third build drawn'});
		expect(feed.active).toBe(false);
	});

	test('a home followed, in a later write, by text drawn in place (top) shows the screen', async () => {
		const supervisor = await startSupervisor();
		const pid = await waitFor(() => pidOf(supervisor, 'redraws-split'));
		const feed = new TerminalFeed(supervisor.client(), () => undefined);
		cleanups.push(async () => feed.stop());
		feed.setTarget({name: 'redraws-split', pid});
		await waitFor(() => feed.active && stripAnsi(feed.rows(20, 3, false)[0]!).startsWith('TOP 3'), {what: 'the screen shown with the third redraw'});
	});

	test('a program that prints lines lets the emulator rest; a screen drawn wakes it', async () => {
		const {feed, tail} = await restingFeed('lines');
		// Resting, it still follows the output (nothing is drawn twice when it wakes).
		await waitFor(() => feed.drawnBytes > 0 && feed.drawnBytes === tail.total, {what: 'the output followed'});
		expect(feed.active).toBe(false);

		// The program switches to the alternate screen: the feed wakes and shows it.
		fs.writeFileSync(path.join(directory, 'GO'), '');
		await waitFor(() => feed.active, {what: 'the screen shown', timeoutMs: 20_000});
		expect(feed.resting).toBe(false);
		await waitFor(() => stripAnsi(feed.rows(20, 4, false)[1]!).trimEnd() === '  SCREEN', {what: 'the program\'s screen'});
	});

	test('showing a resting feed\'s screen draws the newest output, not only what came since', async () => {
		const {feed, tail} = await restingFeed('stops');
		// The program stops its lines, then prints one more on its own.
		fs.writeFileSync(path.join(directory, 'STOP'), '');
		await waitFor(() => tail.snapshot().data.toString().endsWith('2000\r\nlast\r\n') && feed.drawnBytes === tail.total, {what: 'the last line followed', timeoutMs: 20_000});
		expect(feed.resting).toBe(true);

		// Shown: the screen is what every byte would have drawn (seq's last lines before the
		// program's own, the cursor on the empty row below).
		feed.setShown(true);
		expect(feed.resting).toBe(false);
		const rows = (): string => feed.rows(20, 4, false).map((row) => stripAnsi(row).trimEnd()).join(',');
		await waitFor(() => rows() === '1999,2000,last,', {what: 'the newest lines on the screen', timeoutMs: 20_000});
	});

	test('a DEL byte in the output is skipped, as a terminal does, and the emulator writes nothing to the console', async () => {
		const supervisor = await startSupervisor();
		const pid = await waitFor(() => pidOf(supervisor, 'del'));
		const written: unknown[][] = [];
		for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
			const spy = vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
				written.push(args);
			});
			cleanups.push(async () => {
				spy.mockRestore();
			});
		}

		const feed = new TerminalFeed(supervisor.client(), () => undefined);
		cleanups.push(async () => feed.stop());
		feed.setShown(true);
		feed.setTarget({name: 'del', pid});
		const tail = supervisor.arbiter.watchers.get('del')!.running[0]!.rawTail!;
		await waitFor(() => tail.total >= 'a\u007Fb\r\n'.length && feed.drawnBytes === tail.total, {what: 'the output drawn'});
		expect(stripAnsi(feed.rows(20, 2, false)[0]!).trimEnd()).toBe('ab');
		expect(written).toEqual([]);
	});

	test('a pipe-mode process has no terminal: no target, no screen, input refused with the reason', async () => {
		const supervisor = await startSupervisor();
		const client = supervisor.client();
		const pid = await waitFor(() => pidOf(supervisor, 'piped'));
		const feed = new TerminalFeed(client, () => undefined);
		cleanups.push(async () => feed.stop());
		feed.setTarget({name: 'piped', pid});
		const reply = await client.call('input', {name: 'piped', pid, data: 'x'});
		expect(reply).toMatchObject({status: 'error', reason: `process ${pid} of piped runs without a terminal (pty = false): it has no input`});
		await waitFor(() => feed.unavailable, {what: 'the feed giving up'});
		expect(feed.target).toBeUndefined();
		expect(feed.active).toBe(false);
	});
});
