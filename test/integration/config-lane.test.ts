import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {field} from '../helpers/reply.js';
import {startDaemon, uniqueSleep, waitFor, type Daemon} from '../helpers/daemon.js';

let daemon: Daemon | undefined;

afterEach(async () => {
	await daemon?.stop();
	daemon = undefined;
});

async function ticks(running: Daemon): Promise<number> {
	return Number((field(await running.ok('dstats'), 'info') as {ticks: number}).ticks);
}

describe('configuration changes, one at a time', () => {
	it('two sets sent together both apply: the second starts from the options the first left', async () => {
		daemon = await startDaemon(`[watcher:w]\ncmd = sleep ${uniqueSleep()}\nautostart = false\n`);
		const replies = await Promise.all([
			daemon.call('set', {name: 'w', options: {graceful_timeout: '7'}}),
			daemon.call('set', {name: 'w', options: {max_age: '100'}}),
			daemon.call('set', {name: 'w', options: {stop_signal: 'INT'}}),
		]);
		expect(replies.map((reply) => reply.status)).toEqual(['ok', 'ok', 'ok']);
		const options = field(await daemon.ok('get', {name: 'w', keys: ['graceful_timeout', 'max_age', 'stop_signal']}), 'options');
		expect(options).toEqual({graceful_timeout: 7, max_age: 100, stop_signal: 2});
	});

	it('reloadconfigs sent together run one after another, each from what the one before left; those that waited run once', async () => {
		const marker = uniqueSleep();
		daemon = await startDaemon(`[watcher:a]\ncmd = sleep ${marker}\nautostart = false\n`);
		fs.writeFileSync(path.join(daemon.dir, 'circus.ini'), `[watcher:a]\ncmd = sleep ${marker}\nautostart = false\n\n[watcher:b]\ncmd = sleep ${marker}\nautostart = false\n`);
		const replies = await Promise.all(Array.from({length: 6}, async () => daemon!.call('reloadconfig')));
		expect(replies.map((reply) => reply.status)).toEqual(Array.from({length: 6}, () => 'ok'));
		// Whichever requests shared a run got its reply: b was added by exactly one run, and every
		// later run found it there (no run diffed against the configuration from before).
		await daemon.flushLog();
		const runs = daemon.stderr().split('\n').filter((line) => /reloadconfig: \d+ added/.test(line));
		expect(runs.filter((line) => line.includes('reloadconfig: 1 added'))).toHaveLength(1);
		expect(runs.length).toBeLessThanOrEqual(replies.length);
		expect(replies.every((reply) => ['["b"]', '[]'].includes(JSON.stringify(field(reply, 'added'))))).toBe(true);
		expect(field(await daemon.ok('list'), 'watchers')).toEqual(['a', 'b']);
	});

	it('a reloadconfig sent while another runs waits for it, and applies only what is new since', async () => {
		const slow = (marker: string): string => `[watcher:slow]\ncmd = sh -c 'trap "" TERM; sleep ${marker}'\ngraceful_timeout = 2\n`;
		const idle = (name: string): string => `\n[watcher:${name}]\ncmd = sleep ${uniqueSleep()}\nautostart = false\n`;
		daemon = await startDaemon(slow(uniqueSleep()));
		await waitFor(async () => (await daemon!.ok('status', {name: 'slow'})).status === 'active');
		const file = path.join(daemon.dir, 'circus.ini');
		const second = slow(uniqueSleep());
		const b = idle('b');
		fs.writeFileSync(file, second + b);
		// The first one stops slow, which ignores SIGTERM: it runs for graceful_timeout.
		const first = daemon.call('reloadconfig');
		await waitFor(() => /reloadconfig: 1 added, 0 removed, 1 changed/.test(daemon!.stderr()), {what: 'the first reload to run'});
		fs.writeFileSync(file, second + b + idle('c'));
		const later = await daemon.call('reloadconfig');
		expect(await first).toMatchObject({status: 'ok', added: ['b'], changed: ['slow']});
		expect(later).toMatchObject({status: 'ok', added: ['c'], changed: [], removed: []});
		expect(field(await daemon.ok('list'), 'watchers')).toEqual(['b', 'c', 'slow']);
	});

	it('a reload that changes check_delay changes the tick, and names the [circus] options that need a restart', async () => {
		// The tick sleeps while nothing is in motion; a process that ignores its stop signal keeps it awake.
		const body = `[watcher:w]\ncmd = sh -c 'trap "" TERM; sleep ${uniqueSleep()}'\ngraceful_timeout = 10\n`;
		daemon = await startDaemon(`[circus]\ncheck_delay = 30\n\n${body}`);
		fs.writeFileSync(path.join(daemon.dir, 'circus.ini'), `[circus]\ncheck_delay = 0.05\numask = 027\n\n${body}`);
		const reply = await daemon.ok('reloadconfig');
		expect(field(reply, 'restart_needed')).toEqual(['umask']);
		await daemon.logged(/\[circus\] umask changed; it takes effect when procui restarts/);
		expect(field(await daemon.ok('globaloptions'), 'options')).toMatchObject({check_delay: 0.05});
		await daemon.ok('stop', {name: 'w', waiting: false});
		// At 30 s a tick, 20 ticks would take ten minutes; at 0.05 s they come within a second.
		const before = await ticks(daemon);
		await waitFor(async () => await ticks(daemon!) >= before + 20, {what: '20 ticks at the new check_delay', timeoutMs: 20_000});
		// The sleep too (the stop would wait graceful_timeout for it).
		await daemon.ok('signal', {name: 'w', signum: 'KILL', children: true});
		await daemon.ok('signal', {name: 'w', signum: 'KILL'});
	});
});
