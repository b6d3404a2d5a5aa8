import {afterEach, describe, expect, test} from 'vitest';
import {App} from '../../source/ui/components/App.js';
import type {UiMode} from '../../source/ui/hooks/use-quit.js';
import {LiveStore} from '../../source/ui/live/live-store.js';
import {FakeClient, until} from './fixtures.js';
import {renderFrame, type Rendered} from './render-frame.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) {
		await cleanup();
	}
});

/** Times and durations change from run to run. */
const normalize = (frame: string): string => frame.replaceAll(/\(\d+(\.\d)? s\)/gu, '(N s)').replaceAll(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/gu, '⠿');

async function mount(options: {columns?: number; rows?: number; mode?: UiMode; client?: FakeClient} = {}): Promise<{client: FakeClient; ui: Rendered; exited: () => boolean}> {
	const client = options.client ?? new FakeClient();
	client.logLines = [
		{watcher: 'ticker', pid: 101, seq: 1, time: 1, text: 'tick 1'},
		{watcher: 'ticker', pid: 101, seq: 2, time: 2, text: 'tick 2'},
		{watcher: 'worker', pid: 201, seq: 1, time: 3, text: '\u001B[31mworker 1: job 1 done\u001B[0m'},
		{watcher: 'worker', pid: 202, seq: 1, time: 4, text: '\u001B[32mworker 2: job 1 done\u001B[0m'},
		{watcher: 'worker', pid: 201, seq: 2, time: 5, text: '\u001B[31mworker 1: job 2 failed\u001B[0m'},
	];
	const store = new LiveStore(client, {frameMs: 5, fetchDelayMs: 0});
	let exited = false;
	const ui = renderFrame(<App client={client} store={store} mode={options.mode ?? 'embedded'} onExit={() => {
		exited = true;
	}}/>, {columns: options.columns ?? 80, rows: options.rows ?? 24});
	cleanups.push(async () => store.stop(), () => {
		ui.unmount();
	});
	await store.start();
	await ui.waitForFrame((frame) => frame.includes('tick 2'));
	return {client, ui, exited: () => exited};
}

describe('the whole screen', () => {
	test('80×24: header, watchers, charts, the first watcher\'s logs, status, key hints', async () => {
		const {ui} = await mount();
		expect(normalize(ui.lastFrame())).toMatchInlineSnapshot(`
			" procui  circus.ini · 3 watchers · 4 procs · CPU 2.0% · MEM 40.0M      EMBEDDED
			╭─ Watchers (3) ──────────────────────────────────╮╭─ History · ticker ─ 42 s ─╮
			│   WATCHER STATE    PROCS   CPU    MEM   ↻ DETAIL││CPU 0.5%          peak 0.5%│
			│▸● ticker  active     1/1  0.5%  10.0M   0       ││   1%┤                    ⢀│
			│ ● worker  active     3/3  1.5%  30.0M   0       ││    0┤                     │
			│ ◐ flaky   backoff    0/1    0%     0B   4 0.4s  ││MEM 10.0M        peak 10.0M│
			│                                                 ││  20M┤                    ⢀│
			│                                                 ││    0┤                     │
			╰─────────────────────────────────────────────────╯╰───────────────────────────╯
			╭─ Logs · ticker ────────────────────────────────────────────────── following ─╮
			│tick 1                                                                        │
			│tick 2                                                                        │
			│                                                                              │
			│                                                                              │
			│                                                                              │
			│                                                                              │
			│                                                                              │
			│                                                                              │
			│                                                                              │
			│                                                                              │
			│                                                                              │
			╰──────────────────────────────────────────────────────────────────────────────╯
			Ready. ? lists every key.
			↑↓ select  Tab focus  ⏎ open  s start  x stop  r restart  : cmd  ? help  q quit"
		`);
	});

	test('selecting a watcher shows its logs; Enter opens its processes and the first one\'s logs', async () => {
		const {ui} = await mount();
		await ui.press('j');
		await ui.waitForFrame((frame) => frame.includes('Logs · worker') && frame.includes('job 2 failed'));
		expect(ui.lastFrame()).toContain('▸● worker');
		await ui.press('\r');
		const frame = await ui.waitForFrame((text) => text.includes('Logs · worker · pid 201') && text.includes('job 2 failed'));
		expect(frame).toContain('Processes · worker 3/3');
		expect(frame).not.toContain('worker 2: job 1 done');
		expect(normalize(frame)).toMatchInlineSnapshot(`
			" procui  circus.ini · 3 watchers · 4 procs · CPU 2.0% · MEM 40.0M      EMBEDDED
			╭─ Processes · worker 3/3 ────────────────────────╮╭─ History · worker 201 ────╮
			│ PID     WID STATE      CPU    RSS    AGE   ↻    ││CPU 0.5%          peak 0.5%│
			│▸201       1 running   0.5%  10.0M  1m05s   0    ││   1%┤                    ⢀│
			│ 202       2 running   0.5%  10.0M  1m05s   0    ││    0┤                     │
			│ 203       3 running   0.5%  10.0M  1m05s   0    ││MEM 10.0M        peak 10.0M│
			│                                                 ││  20M┤                    ⢀│
			│                                                 ││    0┤                     │
			╰─────────────────────────────────────────────────╯╰───────────────────────────╯
			╭─ Logs · worker · pid 201 ──────────────────────────────────────── following ─╮
			│worker 1: job 1 done                                                          │
			│worker 1: job 2 failed                                                        │
			│                                                                              │
			│                                                                              │
			│                                                                              │
			│                                                                              │
			│                                                                              │
			│                                                                              │
			│                                                                              │
			│                                                                              │
			│                                                                              │
			╰──────────────────────────────────────────────────────────────────────────────╯
			Ready. ? lists every key.
			↑↓ select  Tab focus  ⏎ logs  Esc back  s start  x stop  : cmd  ? help  q quit"
		`);
	});

	test('resizing reflows: 120 columns show both lists, back to 80 shows one', async () => {
		const {ui} = await mount();
		await ui.resize(120, 30);
		const wide = await ui.waitForFrame((frame) => frame.includes('Processes · ticker'));
		expect(wide.split('\n')).toHaveLength(30);
		expect(wide).toContain('Watchers (3)');
		await ui.resize(80, 24);
		const narrow = await ui.waitForFrame((frame) => !frame.includes('Processes'));
		expect(narrow.split('\n').every((line) => line.length <= 80)).toBe(true);
		expect(narrow.split('\n')).toHaveLength(24);
	});

	test('x stops the selected watcher through the client, and shows the result', async () => {
		const {client, ui} = await mount();
		await ui.press('j');
		await ui.press('x');
		await until(() => client.calls.some((call) => call.command === 'stop'));
		expect(client.calls.find((call) => call.command === 'stop')!.properties).toEqual({name: 'worker'});
		await ui.waitForFrame((frame) => frame.includes('✓ stop worker (') );
	});

	test('an error reply is a message in the status line, not a crash', async () => {
		const client = new FakeClient();
		client.replies.set('incr', () => ({id: null, status: 'error', reason: 'watcher is a singleton', errno: 5, time: 0}));
		const {ui} = await mount({client});
		await ui.press('+');
		await ui.waitForFrame((frame) => frame.includes('✖ incr ticker: watcher is a singleton'));
	});

	test('a command that never answers shows its progress', async () => {
		const client = new FakeClient();
		client.replies.set('restart', async () => new Promise(() => undefined));
		const {ui} = await mount({client});
		await ui.press('r');
		const frame = await ui.waitForFrame((text) => text.includes('restart ticker…'));
		expect(normalize(frame).split('\n').at(-2)).toBe('⠿ restart ticker…');
	});

	test('K opens the signal picker for the watcher; Enter sends the highlighted signal', async () => {
		const {client, ui} = await mount();
		await ui.press('K');
		await ui.waitForFrame((frame) => frame.includes('Send a signal to every process of ticker'));
		await ui.press('j');
		await ui.press('\r');
		await until(() => client.calls.some((call) => call.command === 'signal'));
		expect(client.calls.find((call) => call.command === 'signal')!.properties).toEqual({name: 'ticker', signum: 'SIGINT'});
	});

	test(': runs any ctl command; a bad one says why and keeps the prompt', async () => {
		const {client, ui} = await mount();
		await ui.press(':');
		await ui.press('incr worker 2');
		await ui.waitForFrame((frame) => frame.includes(':incr worker 2'));
		await ui.press('\r');
		await until(() => client.calls.some((call) => call.command === 'incr'));
		expect(client.calls.find((call) => call.command === 'incr')!.properties).toEqual({name: 'worker', nb: 2, waiting: true});
		await ui.press(':');
		await ui.press('frobnicate');
		await ui.press('\r');
		const frame = await ui.waitForFrame((text) => text.includes('unknown command `frobnicate`'));
		expect(frame).toContain(':frobnicate');
	});

	test('/ searches the logs and highlights the matches; n goes to an older one', async () => {
		const {ui} = await mount();
		await ui.press('j');
		await ui.waitForFrame((frame) => frame.includes('job 2 failed'));
		await ui.press('/');
		await ui.press('job');
		await ui.press('\r');
		const frame = await ui.waitForFrame((text) => text.includes('/job: match 1 of 3'));
		// Ink re-encodes the current match's colours (black on bright cyan) as two sequences.
		expect(ui.lastRawFrame()).toContain('\u001B[30m\u001B[106mjob');
		expect(frame).toContain('worker 1: job 2 failed');
		await ui.press('n');
		await ui.waitForFrame((text) => text.includes('/job: match 2 of 3'));
	});

	test('a search typed before the lines arrive runs once they are in', async () => {
		const client = new FakeClient();
		const {ui} = await mount({client});
		client.logsDelayMs = 300;
		await ui.press('j');
		await ui.press('/');
		await ui.press('failed\r');
		await ui.waitForFrame((text) => text.includes('/failed: searching…'));
		await ui.waitForFrame((text) => text.includes('/failed: match 1 of 1'));
	});

	test('? shows every key; Esc closes it', async () => {
		const {ui} = await mount({columns: 120, rows: 40});
		await ui.press('?');
		const help = await ui.waitForFrame((frame) => frame.includes('Ctrl-C'));
		expect(help).toContain('Signal the selected process');
		await ui.press('\u001B');
		await ui.waitForFrame((frame) => !frame.includes('Ctrl-C') && frame.includes('Logs'));
	});

	test('q asks first when processes run; y quits through the supervisor, then exits', async () => {
		const {client, ui, exited} = await mount();
		await ui.press('q');
		await ui.waitForFrame((frame) => frame.includes('This stops 4 running processes gracefully.'));
		expect(client.calls.some((call) => call.command === 'quit')).toBe(false);
		await ui.press('y');
		await until(() => client.calls.some((call) => call.command === 'quit'));
		await until(exited);
	});

	test('q asks the supervisor what runs when the overview shown has no process yet (it may predate them), and asks first when some do', async () => {
		const client = new FakeClient();
		const running = client.overview;
		// The overview the UI gets first was taken before any process started.
		client.overview = {...running, watchers: running.watchers.map((watcher) => ({...watcher, processes: [], running: 0}))};
		const {ui} = await mount({client});
		// Now they run, and no stats event has come to say so.
		client.overview = running;
		await ui.press('q');
		await ui.waitForFrame((frame) => frame.includes('This stops 4 running processes gracefully.'));
		expect(client.calls.some((call) => call.command === 'quit')).toBe(false);
	});

	test('i on a watcher whose process the overview shown does not have yet (it may predate it) asks the supervisor: one runs, so it waits for its terminal; none, so it says so', async () => {
		const client = new FakeClient();
		client.overview = {...client.overview, watchers: client.overview.watchers.map((watcher) => ({...watcher, status: 'stopped', processes: [], running: 0}))};
		client.replies.set('list', () => ({id: null, status: 'ok', time: 0, pids: [101]}));
		const {ui} = await mount({client, columns: 140});
		await ui.press('i');
		const frame = await ui.waitForFrame((text) => text.includes('opening its terminal…'));
		expect(frame).not.toContain('no input');
		expect(client.calls.filter((call) => call.command === 'list').map((call) => call.properties)).toEqual([{name: 'ticker'}]);

		const stopped = new FakeClient();
		stopped.overview = client.overview;
		stopped.replies.set('list', () => ({id: null, status: 'ok', time: 0, pids: []}));
		const second = await mount({client: stopped, columns: 140});
		await second.ui.press('i');
		await second.ui.waitForFrame((text) => text.includes('no input: ticker has no process running'));
	});

	test('Ctrl-C asks too; a second Ctrl-C forces: SIGKILL to every watcher with processes', async () => {
		const client = new FakeClient();
		client.replies.set('quit', async () => new Promise(() => undefined));
		const {ui} = await mount({client});
		await ui.press('\u0003');
		await ui.waitForFrame((frame) => frame.includes('Quit procui?'));
		await ui.press('\u0003');
		await until(() => client.calls.filter((call) => call.command === 'kill').length === 2);
		expect(client.calls.filter((call) => call.command === 'kill').map((call) => call.properties)).toEqual([
			{name: 'ticker', signum: 'SIGKILL', graceful_timeout: 0},
			{name: 'worker', signum: 'SIGKILL', graceful_timeout: 0},
		]);
	});

	test('quitting shows what it waits for, with the time left', async () => {
		const client = new FakeClient();
		client.replies.set('quit', async () => new Promise(() => undefined));
		client.replies.set('options', (properties) => ({id: null, status: 'ok', time: 0, options: {graceful_timeout: properties.name === 'ticker' ? 30 : 5}}));
		const {ui} = await mount({client, columns: 100});
		await ui.press('q');
		await ui.press('y');
		const frame = await ui.waitForFrame((text) => text.includes('Stopping: waiting for ticker (30 s left), worker (5 s left)'));
		expect(frame).toContain('Ctrl-C again to force');
	});

	test('quitting counts down Circus\'s default graceful_timeout (30 s) for a watcher whose config does not set it', async () => {
		const client = new FakeClient();
		client.replies.set('quit', async () => new Promise(() => undefined));
		// As the supervisor answers: only the options the config set (ticker sets none of its own).
		client.replies.set('options', (properties) => ({id: null, status: 'ok', time: 0, options: properties.name === 'ticker' ? {numprocesses: 1, pty: true} : {graceful_timeout: '5', numprocesses: 1, pty: true}}));
		const {ui} = await mount({client, columns: 100});
		await ui.press('q');
		await ui.press('y');
		await ui.waitForFrame((text) => text.includes('Stopping: waiting for ticker (30 s left), worker (5 s left)'));
	});

	test('too small (40×12): q shows the quit question, y what the graceful stop waits for, then it exits', async () => {
		const client = new FakeClient();
		let stopped = (): void => undefined;
		client.replies.set('quit', async () => new Promise((resolve) => {
			stopped = () => {
				resolve({id: null, status: 'ok', time: 0});
			};
		}));
		client.replies.set('options', () => ({id: null, status: 'ok', time: 0, options: {graceful_timeout: '5'}}));
		const {ui, exited} = await mount({client});
		await ui.resize(40, 12);
		// The notice and the question wrap at 40 columns: read them as one text.
		const text = (frame: string): string => frame.split('\n').map((line) => line.trim()).join(' ');
		await ui.waitForFrame((frame) => text(frame).includes('Terminal too small (40×12)'));
		await ui.press('q');
		await ui.waitForFrame((frame) => text(frame).includes('Quit procui? This stops 4 running processes gracefully. y quits, n stays'));
		await ui.press('y');
		await ui.waitForFrame((frame) => text(frame).includes('Stopping: waiting for ticker (5 s left), worker (5 s left)'));
		expect(text(ui.lastFrame())).not.toContain('Quit procui?');
		stopped();
		await until(exited);
	});

	test('too small: keys that would act unseen (x, s, r, +, -, K) do nothing; q still asks', async () => {
		const client = new FakeClient();
		const {ui} = await mount({client});
		await ui.resize(40, 12);
		const text = (frame: string): string => frame.split('\n').map((line) => line.trim()).join(' ');
		await ui.waitForFrame((frame) => text(frame).includes('Terminal too small (40×12)'));
		const before = client.calls.length;
		for (const key of ['x', 's', 'r', '+', '-', 'K', 'R']) {
			await ui.press(key);
		}

		// Keys are handled in order: once q's question shows, the keys before it were handled.
		await ui.press('q');
		await ui.waitForFrame((frame) => text(frame).includes('Quit procui?'));
		expect(client.calls.slice(before).map((call) => call.command)).toEqual([]);
	});

	test('attached, q detaches at once and asks the supervisor nothing', async () => {
		const {client, ui, exited} = await mount({mode: 'attached'});
		expect(ui.lastFrame().split('\n')[0]).toContain('ATTACHED');
		await ui.press('q');
		await until(exited);
		expect(client.calls.some((call) => call.command === 'quit')).toBe(false);
	});
});
