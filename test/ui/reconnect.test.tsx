import {afterEach, describe, expect, test} from 'vitest';
import type {EventMessage} from '../../source/control/protocol.js';
import {ReconnectingClient, type Connection} from '../../source/ui/live/reconnecting-client.js';
import {FakeClient, until} from './fixtures.js';
import {mountApp, type Mounted} from './mount-app.js';

const mounted: Mounted[] = [];
afterEach(async () => {
	for (const app of mounted.splice(0)) {
		await app.unmount();
	}
});

/** A scripted supervisor behind a connection that the test can cut. */
function connection(): Connection & {client: FakeClient; cut: () => void} {
	const client = new FakeClient();
	let onClose: ((reason: string) => void) | undefined;
	return {
		client,
		endpoint: client.endpoint,
		call: async (command, properties) => client.call(command, properties),
		subscribe: async (topics, onEvent) => client.subscribe(topics, onEvent),
		close: async () => client.close(),
		onClose(listener) {
			onClose = listener;
		},
		cut() {
			void client.close();
			onClose?.('the connection closed');
		},
	};
}

describe('the reconnecting client', () => {
	test('lost: calls fail at once; retried with back-off; back: every subscription renewed, then restored', async () => {
		const first = connection();
		const second = connection();
		let attempts = 0;
		const client = new ReconnectingClient('ipc:///run/procui.sock', first, async () => {
			attempts++;
			if (attempts < 3) {
				throw new Error('connect ENOENT');
			}

			return second;
		});
		const events: EventMessage[] = [];
		const heard: string[] = [];
		client.watch({lost: (reason) => heard.push(`lost: ${reason}`), restored: () => heard.push('restored')});
		await client.subscribe(['stats', 'watcher'], (event) => events.push(event));
		const logs = await client.subscribe(['logs.web'], (event) => events.push(event));
		await logs.unsubscribe();

		first.cut();
		expect(heard).toEqual(['lost: the connection closed']);
		await expect(client.call('status')).rejects.toThrow(/disconnected from ipc:\/\/\/run\/procui\.sock, retrying/u);
		await until(() => heard.includes('restored'), 5000);
		expect(attempts).toBe(3);
		expect(second.client.topics()).toEqual(['stats', 'watcher']);
		second.client.emit('stats', {});
		expect(events.map((event) => event.event)).toEqual(['stats']);
		expect(await client.call('status')).toMatchObject({status: 'ok'});
		await client.close();
	});
});

describe('an attached UI whose connection is gone', () => {
	test('60×16: every row unknown, "disconnected, retrying" in full; back: fetched again and live', async () => {
		const app = await mountApp({mode: 'attached', columns: 60, rows: 16});
		mounted.push(app);
		app.store.setLost('disconnected, retrying');
		const frame = await app.ui.waitForFrame((text) => text.includes('disconnected, retrying'));
		expect(frame.split('\n').slice(0, 7).join('\n')).toMatchInlineSnapshot(`
			" procui  circus.ini · … ✖ disconnected, retrying   ATTACHED
			╭─ Watchers (3) ─────────────────╮╭─ History · ticker ─────╮
			│   WATCHER PROCS   ↻ DETAIL     ││CPU ?          peak 0.5%│
			│▸? ticker    ?/1   0 unknown    ││   1%┤                 ⢀│
			│ ? worker    ?/3   0 unknown    ││    0┤                  │
			│ ? flaky     ?/1   4 unknown    ││MEM ?         peak 10.0M│
			│                                ││  20M┤                 ⢀│"
		`);
		const overviews = app.client.calls.filter((call) => call.command === 'overview').length;
		const fetches = app.client.calls.filter((call) => call.command === 'logs').length;
		void app.store.reconnected();
		await app.ui.waitForFrame((text) => !text.includes('disconnected') && /▸● ticker/u.test(text));
		expect(app.client.calls.filter((call) => call.command === 'overview').length).toBe(overviews + 1);
		expect(app.client.calls.filter((call) => call.command === 'logs').length).toBe(fetches + 1);
	});
});
