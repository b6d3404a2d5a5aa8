import {afterEach, expect, test} from 'vitest';
import {mountApp, type Mounted} from './mount-app.js';

const mounted: Mounted[] = [];
afterEach(async () => {
	for (const app of mounted.splice(0)) {
		await app.unmount();
	}
});

test('→ then w: wrapping resets the sideways offset, so wrapped lines show from their start', async () => {
	const long = `START${'abcdefghij'.repeat(12)}`;
	const app = await mountApp({logLines: [{watcher: 'ticker', pid: 101, seq: 1, time: 1, text: long}], ready: 'START'});
	mounted.push(app);
	await app.ui.press('\u001B[C');
	await app.ui.waitForFrame((frame) => frame.includes('following · →8') && !frame.includes('START'));
	await app.ui.press('w');
	const frame = await app.ui.waitForFrame((text) => text.includes('following · wrap'));
	const logRows = frame.split('\n').slice(10, 12);
	expect(logRows).toEqual([
		'│STARTabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabc│',
		'│defghijabcdefghijabcdefghijabcdefghijabcdefghij                               │',
	]);
	// And back: wrap off starts at column 0 too.
	await app.ui.press('w');
	await app.ui.waitForFrame((text) => text.includes('│STARTabcdefghij') && !text.includes('→8') && !text.includes('· wrap'));
});

test('→ stops at the longest line\'s end, so ← moves back at once', async () => {
	const long = `START${'abcdefghij'.repeat(12)}END`;
	const app = await mountApp({logLines: [{watcher: 'ticker', pid: 101, seq: 1, time: 1, text: long}], ready: 'START'});
	mounted.push(app);
	// 128 columns in a pane of 78: 50 to the right shows its end, and no more.
	for (let press = 0; press < 10; press++) {
		await app.ui.press('\u001B[C');
	}

	const far = await app.ui.waitForFrame((text) => text.includes('following · →50'));
	expect(far.split('\n')[10]).toBe(`│${long.slice(50)}│`);
	await app.ui.press('\u001B[D');
	await app.ui.waitForFrame((text) => text.includes('following · →42'));
});

test('help at 60×16: after PgDn past its end, ↑ scrolls back at once', async () => {
	const app = await mountApp({columns: 60, rows: 16});
	mounted.push(app);
	await app.ui.press('?');
	await app.ui.waitForFrame((text) => text.includes('Move'));
	for (let press = 0; press < 40; press++) {
		await app.ui.press('\u001B[6~');
	}

	const end = app.ui.lastFrame();
	expect(end).toContain('ipc:///run/procui.sock status');
	await app.ui.press('\u001B[A');
	await app.ui.waitForFrame((text) => text !== end);
});

test('a wrapped line taller than the pane: following shows its end, f (paused) its start', async () => {
	const long = `START${'0123456789'.repeat(140)}END`;
	const app = await mountApp({logLines: [{watcher: 'ticker', pid: 101, seq: 1, time: 1, text: long}], ready: '0123'});
	mounted.push(app);
	await app.ui.press('w');
	await app.ui.waitForFrame((text) => text.includes('following · wrap') && text.includes('END'));
	expect(app.ui.lastFrame()).not.toContain('START');
	await app.ui.press('f');
	const frame = await app.ui.waitForFrame((text) => text.includes('paused · wrap'));
	expect(frame.split('\n')[10]).toBe('│START0123456789012345678901234567890123456789012345678901234567890123456789012│');
	expect(frame).not.toContain('END');
});
