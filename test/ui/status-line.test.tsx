import {describe, expect, test} from 'vitest';
import {stripAnsi} from '../../source/ui/text/ansi-text.js';
import {statusText} from '../../source/ui/components/StatusLine.js';
import {LiveStore} from '../../source/ui/live/live-store.js';
import type {StatusMessage} from '../../source/ui/state/ui-state.js';
import {FakeClient, until} from './fixtures.js';

const result: StatusMessage = {id: 1, text: 'stop worker (0.3 s)', tone: 'ok', time: 1000};
const line = (props: Partial<Parameters<typeof statusText>[0]>): string => stripAnsi(statusText({ui: {running: [], last: undefined, quit: undefined}, notice: undefined, watchers: [], now: 1000, width: 80, ...props}));

describe('the status line', () => {
	test('the user\'s last result stays until the next command, however many notices come after it', () => {
		const notice = {level: 'warn', text: 'flaky is flapping: retry in 2 s', time: 60_000, count: 7} as const;
		expect(line({ui: {running: [], last: result, quit: undefined}, notice, now: 61_000})).toBe('✓ stop worker (0.3 s)                     ⚠ flaky is flapping: retry in 2 s (×7)');
	});

	test('before any command: Ready, and the latest notice beside it', () => {
		const notice = {level: 'warn', text: 'flaky is flapping: retry in 2 s', time: 2000, count: 1} as const;
		expect(line({notice, now: 2000})).toBe('Ready. ? lists every key.                      ⚠ flaky is flapping: retry in 2 s');
	});

	test('a long result keeps half the line; the notice is cut to what is left', () => {
		const long = {...result, text: 'signal worker HUP: sent to 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211'};
		const notice = {level: 'error', text: 'web cannot start: no such file or directory: ./web', time: 2000, count: 3} as const;
		const text = line({ui: {running: [], last: long, quit: undefined}, notice, now: 2000});
		expect(text).toBe('✓ signal worker HUP: sent to 201, 202, …  ✖ web cannot start: no such file… (×3)');
		expect(text).toHaveLength(80);
	});
});

describe('notices', () => {
	test('repeats (the same text, numbers aside) collapse into one with a count', async () => {
		const client = new FakeClient();
		const store = new LiveStore(client, {frameMs: 5, fetchDelayMs: 0});
		try {
			await store.start();
			for (const retry of [2, 4, 8]) {
				client.emit('watcher.flaky.flapping', {tries: 2, retry_in: retry});
			}

			await until(() => store.getSnapshot().notice?.count === 3);
			expect(store.getSnapshot().notice).toMatchObject({level: 'warn', text: 'flaky is flapping: retry in 8 s', count: 3});
			client.emit('watcher.web.spawn_failed', {reason: 'no such file: ./web'});
			await until(() => store.getSnapshot().notice?.level === 'error');
			expect(store.getSnapshot().notice?.count).toBe(1);
		} finally {
			await store.stop();
		}
	});
});
