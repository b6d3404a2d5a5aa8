import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {pids, startDaemon, uniqueSleep, waitFor, type Daemon} from '../helpers/daemon.js';
import {field} from '../helpers/reply.js';

let daemon: Daemon | undefined;

afterEach(async () => {
	await daemon?.stop();
	daemon = undefined;
});

const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');

/** Circus's hooks (docs for-devs/writing-hooks.rst, circus/watcher.py call_hook), as programs. */
describe('hooks', () => {
	it('before_start that fails refuses the start with its reason; the watcher stays stopped (writing-hooks: "the startup is aborted")', async () => {
		daemon = await startDaemon(`[watcher:web]\ncmd = sleep ${uniqueSleep()}\nautostart = false\nhooks.before_start = echo "database not ready" >&2; exit 3\n`);
		const reply = await daemon.call('start', {name: 'web'});
		expect(reply).toMatchObject({status: 'error', reason: 'web: before_start hook failed (exit 3: database not ready); not started'});
		expect(field<string>(await daemon.ok('status', {name: 'web'}), 'status')).toBe('stopped');
		expect(pids(await daemon.ok('list', {name: 'web'}))).toEqual([]);
	});

	it('before_start with ", true" (ignore failure) lets the start go on, and the hook sees the watcher\'s environment', async () => {
		daemon = await startDaemon([
			'[watcher:web]',
			`cmd = sleep ${uniqueSleep()}`,
			'env = GREETING=hello',
			'hooks.before_start = echo "$PROCUI_HOOK $PROCUI_WATCHER $GREETING" > hook.out; exit 1, true',
			'',
		].join('\n'));
		await waitFor(async () => pids(await daemon!.ok('list', {name: 'web'})).length === 1, {what: 'the watcher to start despite the failed hook'});
		expect(read(path.join(daemon.dir, 'hook.out'))).toBe('before_start web hello\n');
	});

	it('before_spawn that fails stops the watcher (writing-hooks: "the watcher is immediately stopped")', async () => {
		daemon = await startDaemon(`[watcher:web]\ncmd = sleep ${uniqueSleep()}\nautostart = false\nhooks.before_spawn = exit 1\n`);
		const reply = await daemon.call('start', {name: 'web'});
		expect(reply).toMatchObject({status: 'error'});
		expect(String(reply.reason)).toMatch(/before_spawn hook failed \(exit 1\)/);
		expect(field<string>(await daemon.ok('status', {name: 'web'}), 'status')).toBe('stopped');
	});

	it('after_start that fails stops the watcher again', async () => {
		daemon = await startDaemon(`[watcher:web]\ncmd = sleep ${uniqueSleep()}\nautostart = false\nhooks.after_start = exit 2\n`);
		const reply = await daemon.call('start', {name: 'web'});
		expect(reply).toMatchObject({status: 'error', reason: 'web: after_start hook failed (exit 2); stopped'});
		await waitFor(async () => field<string>(await daemon!.ok('status', {name: 'web'}), 'status') === 'stopped');
	});

	it('a slow hook never holds the supervisor: other commands are answered while it runs', async () => {
		daemon = await startDaemon(`[watcher:slow]\ncmd = sleep ${uniqueSleep()}\nautostart = false\nhooks.before_start = touch started.flag; while [ ! -e release.flag ]; do sleep 0.05; done\n\n[watcher:other]\ncmd = sleep ${uniqueSleep()}\n`);
		const start = daemon.call('start', {name: 'slow'});
		await waitFor(() => fs.existsSync(path.join(daemon!.dir, 'started.flag')), {what: 'the hook to run'});
		// The hook is still running: the scheduler answers, and runs other commands.
		expect(field<string>(await daemon.ok('status', {name: 'slow'}), 'status')).toBe('stopped');
		await daemon.ok('stop', {name: 'other'});
		await daemon.ok('start', {name: 'other'});
		fs.writeFileSync(path.join(daemon.dir, 'release.flag'), '');
		expect(await start).toMatchObject({status: 'ok'});
		expect(pids(await daemon.ok('list', {name: 'slow'}))).toHaveLength(1);
	});

	it('a stop asked for while before_start runs wins (the later intent)', async () => {
		daemon = await startDaemon(`[watcher:slow]\ncmd = sleep ${uniqueSleep()}\nautostart = false\nhooks.before_start = touch started.flag; while [ ! -e release.flag ]; do sleep 0.05; done\n`);
		const start = daemon.call('start', {name: 'slow'});
		await waitFor(() => fs.existsSync(path.join(daemon!.dir, 'started.flag')));
		await daemon.ok('stop', {name: 'slow'});
		fs.writeFileSync(path.join(daemon.dir, 'release.flag'), '');
		expect(await start).toMatchObject({status: 'ok', info: {superseded: 'a later request'}});
		expect(field<string>(await daemon.ok('status', {name: 'slow'}), 'status')).toBe('stopped');
	});

	it('before_stop, after_stop and after_reap run with the process\'s pid and exit code', async () => {
		daemon = await startDaemon([
			'[watcher:web]',
			`cmd = sleep ${uniqueSleep()}`,
			'hooks.before_stop = echo before_stop >> hooks.log',
			'hooks.after_stop = echo after_stop >> hooks.log',
			'hooks.after_reap = echo "after_reap $PROCUI_PID $PROCUI_EXIT_CODE" >> hooks.log',
			'',
		].join('\n'));
		const [pid] = await waitFor(async () => {
			const list = pids(await daemon!.ok('list', {name: 'web'}));
			return list.length === 1 ? list : undefined;
		});
		await daemon.ok('stop', {name: 'web'});
		const log = path.join(daemon.dir, 'hooks.log');
		await waitFor(() => read(log).split('\n').length >= 4, {what: 'three hook lines'});
		expect(read(log).split('\n').filter(Boolean).sort()).toEqual(['after_reap ' + String(pid) + ' -15', 'after_stop', 'before_stop']);
	});
});
