/**
The TUI's own frame costs, measured inside the process: procui's embedded composition (a
Supervisor and the UI on its in-process client, as `procui CONFIG` runs them) with 100 watchers
of `sleep` and one watcher of `seq` writing as fast as it can, rendered into a fake 120 × 40
terminal.

- render: Ink's time to turn the React tree into the frame's text (its `onRender` metric);
- paint: the screen writer's time to diff the frame against the last one and write the rows;
- key-to-paint: from a key arriving on stdin to the painted frame that shows its effect.

Three phases of 10 s: the flooding watcher's log pane shown and following (the heaviest frames);
the list moving with j/k while the flood runs unseen; the help overlay opened and closed over the
flood (every row of the screen changes). React runs in production mode, as in
`procui`. Run after `npm run build`:

	node dist/test/bench/tui-frame-time.js [--watchers 100] [--seconds 10]
*/
import {EventEmitter} from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {PassThrough} from 'node:stream';
import {parseArgs} from 'node:util';
import {loadConfig} from '../../source/config/index.js';
import {Supervisor} from '../../source/control/supervisor.js';
import {stripAnsi} from '../../source/ui/text/ansi-text.js';

// As `procui` runs it: React's production build (see source/cli/tui.tsx).
process.env.NODE_ENV ??= 'production';
const {runUi} = await import('../../source/ui/run-ui.js');

const {values} = parseArgs({options: {watchers: {type: 'string', default: '100'}, seconds: {type: 'string', default: '10'}}});
const watcherCount = Number(values.watchers);
const seconds = Number(values.seconds);
const columns = 120;
const rows = 40;

const quantile = (list: number[], q: number): number => {
	const sorted = [...list].sort((a, b) => a - b);
	return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

const summary = (list: number[]): string => `median ${quantile(list, 0.5).toFixed(2)} ms, p95 ${quantile(list, 0.95).toFixed(2)} ms, max ${Math.max(...list).toFixed(2)} ms (n=${list.length})`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procui-frame-'));
const sleeps = Array.from({length: watcherCount}, (_, index) => `[watcher:w${String(index).padStart(3, '0')}]\ncmd = sleep 1000\n`);
const flood = '[watcher:aaa-flood]\ncmd = seq -f "procui flood line %.0f abcdefghijklmnopqrstuvwxyz" 1 1e15\n';
fs.writeFileSync(path.join(dir, 'circus.ini'), [flood, ...sleeps].join('\n'));
const config = loadConfig(path.join(dir, 'circus.ini'), {cwd: dir, environ: process.env});
const supervisor = new Supervisor({config, endpoint: `ipc://${path.join(dir, 'procui.sock')}`, log: () => undefined, loadConfig: () => config});
await supervisor.start();

// A terminal that only counts what it is sent.
let bytes = 0;
const stdout = Object.assign(new EventEmitter(), {
	columns,
	rows,
	isTTY: true,
	write(data: string) {
		bytes += data.length;
		return true;
	},
}) as unknown as NodeJS.WriteStream;
const stdin = Object.assign(new PassThrough(), {isTTY: true, setRawMode: () => stdin, ref: () => stdin, unref: () => stdin}) as unknown as NodeJS.ReadStream;

const renders: number[] = [];
const paints: number[] = [];
let waiter: {done: (frame: string) => boolean; since: number; resolve: (ms: number) => void} | undefined;
const ui = runUi({
	client: supervisor.client(),
	mode: 'embedded',
	stdin,
	stdout,
	onRenderTime(ms) {
		renders.push(ms);
	},
	onPaint(frame, ms) {
		paints.push(ms);
		if (waiter !== undefined) {
			const text = stripAnsi(frame);
			if (waiter.done(text)) {
				const {since, resolve} = waiter;
				waiter = undefined;
				resolve(performance.now() - since);
			}
		}
	},
});

let lastFrame = '';
async function press(key: string, done: (frame: string) => boolean): Promise<number> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			reject(new Error(`no frame showed the effect of ${JSON.stringify(key)}; last:\n${lastFrame}`));
		}, 10_000);
		waiter = {
			done: (frame) => {
				lastFrame = frame;
				return done(frame);
			},
			since: performance.now(),
			resolve(ms) {
				clearTimeout(timer);
				resolve(ms);
			},
		};
		stdin.write(key);
	});
}

const sleep = async (ms: number): Promise<void> => new Promise((resolve) => {
	setTimeout(resolve, ms);
});

async function phase(name: string, body: () => Promise<number[]>): Promise<void> {
	renders.length = 0;
	paints.length = 0;
	bytes = 0;
	const cpu = process.cpuUsage();
	const started = performance.now();
	const keys = await body();
	const elapsed = (performance.now() - started) / 1000;
	const used = process.cpuUsage(cpu);
	(globalThis as {gc?: () => void}).gc?.();
	const heap = process.memoryUsage().heapUsed;
	console.log(`\n${name}`);
	console.log(`  frames: ${paints.length} in ${elapsed.toFixed(1)} s (${(paints.length / elapsed).toFixed(1)}/s), ${(bytes / elapsed / 1024).toFixed(0)} KiB/s to the terminal`);
	console.log(`  render (Ink, tree to text): ${summary(renders)}`);
	console.log(`  paint (diff and write rows): ${summary(paints)}`);
	console.log(`  key to painted frame: ${summary(keys)}`);
	console.log(`  heap after: ${(heap / 1024 / 1024).toFixed(1)} MiB${(globalThis as {gc?: () => void}).gc === undefined ? ' (run with --expose-gc for a figure after collection)' : ' (after a full GC)'}`);
	console.log(`  process CPU: ${(((used.user + used.system) / 1e6 / elapsed) * 100).toFixed(0)}% of a core (supervisor, flood intake and UI together)`);
}

// Wait for every process, and the flood selected (it sorts first).
const started = Date.now();
while ((ui.store.getSnapshot().overview?.watchers.filter((watcher) => watcher.running > 0).length ?? 0) < watcherCount + 1) {
	if (Date.now() - started > 60_000) {
		throw new Error('the watchers did not all start');
	}

	await sleep(100);
}

await sleep(1000);
const selected = (name: string) => (frame: string): boolean => new RegExp(`▸[●◐○✖] ${name}\\b`, 'u').test(frame);
const logTitle = (frame: string): string => frame.split('\n').find((line) => line.includes('─ Logs ·')) ?? '';

await phase(`Phase 1: the flood's log pane shown and following; t toggles timestamps (${watcherCount} watchers + 1 flood, ${columns}×${rows})`, async () => {
	const keys: number[] = [];
	const end = performance.now() + seconds * 1000;
	let on = false;
	while (performance.now() < end) {
		on = !on;
		const want = on;
		keys.push(await press('t', (frame) => logTitle(frame).includes(' time') === want));
		await sleep(150 + Math.random() * 100);
	}

	return keys;
});

await phase(`Phase 2: j/k through the watcher list while the flood runs unseen (${watcherCount} watchers + 1 flood)`, async () => {
	const keys: number[] = [];
	const names = ui.store.getSnapshot().overview!.watchers.map((watcher) => watcher.name);
	const end = performance.now() + seconds * 1000;
	let index = 0;
	let direction = 1;
	while (performance.now() < end) {
		if (index + direction < 0 || index + direction > 5) {
			direction = -direction;
		}

		index += direction;
		keys.push(await press(direction > 0 ? 'j' : 'k', selected(names[index]!)));
		await sleep(150 + Math.random() * 100);
	}

	return keys;
});

await phase(`Phase 3: ? opens the help over the whole screen, Esc closes it, the flood shown underneath (${watcherCount} watchers + 1 flood)`, async () => {
	const keys: number[] = [];
	stdin.write('k'.repeat(6));
	await sleep(500);
	const end = performance.now() + seconds * 1000;
	while (performance.now() < end) {
		keys.push(await press('?', (frame) => frame.includes('Previous watcher or process')));
		await sleep(150 + Math.random() * 100);
		keys.push(await press('\u001B', (frame) => frame.includes('─ Watchers (')));
		await sleep(150 + Math.random() * 100);
	}

	return keys;
});

ui.requestQuit(true);
await ui.done;
supervisor.arbiter.killAll();
await supervisor.close().catch(() => undefined);
fs.rmSync(dir, {recursive: true, force: true});
process.exit(0);
