import {afterEach, describe, expect, test} from 'vitest';
import type {Key} from 'ink';
import {splitBurst} from '../../source/ui/input/key-burst.js';
import {mountApp, type Mounted} from './mount-app.js';

const none: Key = {upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false};

const mounted: Mounted[] = [];
afterEach(async () => {
	for (const app of mounted.splice(0)) {
		await app.unmount();
	}
});

describe('splitBurst', () => {
	test('one key stays one key', () => {
		expect(splitBurst('n', none)).toEqual([{input: 'n', key: none}]);
		expect(splitBurst('u', {...none, ctrl: true})).toEqual([{input: 'u', key: {...none, ctrl: true}}]);
	});

	test('a burst is every key in it, control characters included', () => {
		const keys = splitBurst('aB \u0015\t\r\u007F', none);
		expect(keys.map((press) => press.input)).toEqual(['a', 'B', ' ', 'u', '', '', '']);
		expect(keys[1]!.key.shift).toBe(true);
		expect(keys[3]!.key.ctrl).toBe(true);
		expect(keys[4]!.key.tab).toBe(true);
		expect(keys[5]!.key.return).toBe(true);
		expect(keys[6]!.key.delete).toBe(true);
	});

	test('characters beyond the BMP are one key each', () => {
		expect(splitBurst('日😀', none).map((press) => press.input)).toEqual(['日', '😀']);
	});
});

describe('keys typed in one burst', () => {
	const rows = Array.from({length: 12}, (_, index) => ({watcher: 'ticker', pid: 101, seq: index + 1, time: index + 1, text: `row ${index + 1}`}));

	test('nnnnn moves five matches, not one', async () => {
		const app = await mountApp({logLines: rows, ready: 'row 12'});
		mounted.push(app);
		await app.ui.press('/row\r');
		await app.ui.waitForFrame((frame) => frame.includes('/row: match 1 of 12'));
		await app.ui.press('nnnnn');
		await app.ui.waitForFrame((frame) => frame.includes('/row: match 6 of 12'));
	});

	test('Ctrl-U after text in the same read clears the prompt', async () => {
		const app = await mountApp();
		mounted.push(app);
		await app.ui.press(':');
		await app.ui.waitForFrame((frame) => /^:\s*$/mu.test(frame));
		await app.ui.press('abc\u0015de');
		const frame = await app.ui.waitForFrame((text) => /^:de\s*$/mu.test(text));
		expect(frame).not.toContain(':abc');
	});

	test('jj moves two watchers down, kk in the next read two back up', async () => {
		const app = await mountApp();
		mounted.push(app);
		await app.ui.press('jj');
		await app.ui.waitForFrame((frame) => frame.includes('▸◐ flaky'));
		await app.ui.press('kk');
		await app.ui.waitForFrame((frame) => frame.includes('▸● ticker'));
	});

	test('Tab after a double space completes, typed alone or in the same read', async () => {
		const app = await mountApp();
		mounted.push(app);
		await app.ui.press(':incr  wo\t');
		await app.ui.waitForFrame((frame) => /^:incr {2}worker$/mu.test(frame));
		await app.ui.press('\u001B');
		await app.ui.press(':');
		for (const key of ['s', 't', 'o', 'p', ' ', ' ', 't', '\t']) {
			await app.ui.press(key);
		}

		await app.ui.waitForFrame((frame) => /^:stop {2}ticker$/mu.test(frame));
	});
});

test('a question opened by a burst is not answered by the rest of it: a paste of "qy" asks, it does not quit', async () => {
	const app = await mountApp();
	mounted.push(app);
	await app.ui.press('qy');
	await app.ui.waitForFrame((frame) => frame.includes('Quit procui?'));
	expect(app.client.calls.some((call) => call.command === 'quit')).toBe(false);
	await app.ui.press('n');
	await app.ui.waitForFrame((frame) => !frame.includes('Quit procui?'));
});
