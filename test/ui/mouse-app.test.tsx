/** The mouse and copy mode in the whole App: clicks land on the row drawn there, copy mode copies the lines selected. */
import {afterEach, expect, test} from 'vitest';
import type {MouseEvent, MouseEvents} from '../../source/ui/input/mouse.js';
import {FakeClient, processRow, watcherRow} from './fixtures.js';
import {mountApp, type Mounted} from './mount-app.js';

const mounted: Mounted[] = [];
afterEach(async () => {
	for (const app of mounted.splice(0)) {
		await app.unmount();
	}
});

/** Mouse events sent by the test. */
function fakeMouse(): MouseEvents & {send(event: Partial<MouseEvent> & Pick<MouseEvent, 'x' | 'y'>): void} {
	const listeners = new Set<(event: MouseEvent) => void>();
	return {
		subscribe(listener) {
			listeners.add(listener);
			return () => {
				listeners.delete(listener);
			};
		},
		send(event) {
			for (const listener of listeners) {
				listener({kind: 'press', button: 'left', wheel: 0, shift: false, meta: false, ctrl: false, ...event});
			}
		},
	};
}

/** Where `text` is in the frame. */
function at(frame: string, text: string): {x: number; y: number} {
	const rows = frame.split('\n');
	const y = rows.findIndex((row) => row.includes(text));
	expect(y, `${text} in\n${frame}`).toBeGreaterThanOrEqual(0);
	return {x: rows[y]!.indexOf(text), y};
}

test('a click on a watcher far down a scrolled list selects the one drawn there', async () => {
	const client = new FakeClient();
	client.overview = {...client.overview, watchers: Array.from({length: 40}, (_, index) => watcherRow({name: `w${String(index).padStart(2, '0')}`, processes: [processRow({pid: 1000 + index, wid: 1})]}))};
	const mouse = fakeMouse();
	const app = await mountApp({client, columns: 100, rows: 30, ready: 'Watchers (40)', logLines: [], props: {mouse}});
	mounted.push(app);
	// End: the last watcher selected, the list's window at its bottom.
	await app.ui.press('G');
	const frame = await app.ui.waitForFrame((text) => text.includes('Logs · w39'));
	expect(frame).not.toContain(' w00 ');
	mouse.send(at(frame, '● w33'));
	await app.ui.waitForFrame((text) => text.includes('Logs · w33'));
	// The wheel over the list moves the selection one a notch.
	mouse.send({...at(app.ui.lastFrame(), '● w33'), kind: 'wheel', wheel: 1});
	await app.ui.waitForFrame((text) => text.includes('Logs · w34'));
});

test('wide: a click on a process shows its logs; on the log pane, focuses it; the wheel there scrolls', async () => {
	const mouse = fakeMouse();
	const lines = Array.from({length: 60}, (_, index) => ({watcher: 'worker', pid: 202, seq: index + 1, time: index, text: `line ${index + 1}`}));
	const app = await mountApp({columns: 160, rows: 40, logLines: lines, ready: '● worker', props: {mouse}});
	mounted.push(app);
	mouse.send(at(app.ui.lastFrame(), '● worker'));
	const frame = await app.ui.waitForFrame((text) => text.includes('Logs · worker') && text.includes(' 202 '));
	mouse.send(at(frame, ' 202 '));
	const process = await app.ui.waitForFrame((text) => text.includes('Logs · worker · pid 202') && text.includes('line 60'));
	const pane = at(process, 'line 60');
	mouse.send(pane);
	await app.ui.waitForFrame((text) => text.includes('i type in'));
	mouse.send({...pane, kind: 'wheel', wheel: -1});
	const scrolled = await app.ui.waitForFrame((text) => text.includes('paused · 3 newer'));
	expect(scrolled).not.toContain('line 60');
	expect(scrolled).toContain('line 57');
});

test('a modal takes the mouse: the help scrolls with the wheel, and a click under it selects nothing', async () => {
	const mouse = fakeMouse();
	const app = await mountApp({columns: 100, rows: 24, props: {mouse}});
	mounted.push(app);
	const before = at(app.ui.lastFrame(), 'worker');
	await app.ui.press('?');
	const help = await app.ui.waitForFrame((text) => text.includes('Shift-Tab'));
	mouse.send({x: 10, y: 5, kind: 'wheel', wheel: 1});
	await app.ui.waitForFrame((text) => text !== help);
	mouse.send(before);
	await app.ui.press('\u001B');
	const frame = await app.ui.waitForFrame((text) => !text.includes('Shift-Tab'));
	expect(frame).toContain('Logs · ticker');
});

test('copy mode: v, j, j, y copies those three lines as plain text, highlighted while selected; Esc leaves', async () => {
	const copied: string[] = [];
	const lines = ['\u001B[31mred one\u001B[39m', 'two', 'three', 'four'].map((text, index) => ({watcher: 'ticker', pid: 101, seq: index + 1, time: index, text}));
	const app = await mountApp({logLines: lines, ready: 'four', props: {clipboard: (text) => copied.push(text)}});
	mounted.push(app);
	await app.ui.press('v');
	await app.ui.waitForFrame((text) => text.includes('COPY: 1 selected') && text.includes('y copy'));
	await app.ui.press('j');
	await app.ui.press('j');
	await app.ui.waitForFrame((text) => text.includes('COPY: 3 selected'));
	// The cursor line in reverse video and cyan, the rest of the selection in reverse video, the line after it as it was.
	const raw = app.ui.lastRawFrame();
	expect(raw).toContain('\u001B[7m\u001B[36mthree');
	expect(raw).toContain('\u001B[7mtwo');
	expect(raw).not.toContain('\u001B[7mfour');
	await app.ui.press('y');
	await app.ui.waitForFrame((text) => text.includes('copied 3 lines'));
	expect(copied).toEqual(['red one\ntwo\nthree']);
	expect(app.ui.lastFrame()).not.toContain('COPY:');

	await app.ui.press('v');
	await app.ui.waitForFrame((text) => text.includes('COPY: 1 selected'));
	await app.ui.press('\u001B');
	await app.ui.waitForFrame((text) => !text.includes('COPY:'));
	expect(copied).toHaveLength(1);
});
