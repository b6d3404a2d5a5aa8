import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {field} from '../helpers/reply.js';
import {alive, pids, pidsMatching, startDaemon, uniqueSleep, waitFor, type Daemon} from '../helpers/daemon.js';

let daemon: Daemon | undefined;

afterEach(async () => {
	await daemon?.stop();
	daemon = undefined;
});


describe('options and get', () => {
	it('options lists every option of the watcher with its effective value and type, as Circus does', async () => {
		daemon = await startDaemon('[watcher:web]\ncmd = sleep 1000\nnumprocesses = 2\ngraceful_timeout = 3\npty = false\n', {env: {PROCUI_TEST_DIR: '/tmp'}});
		const options = field<Record<string, unknown>>(await daemon.ok('options', {name: 'web'}), 'options');
		const circusOptnames = ['numprocesses', 'warmup_delay', 'working_dir', 'uid', 'gid', 'send_hup', 'stop_signal', 'stop_children', 'shell', 'shell_args', 'env', 'max_retry', 'cmd', 'args', 'respawn', 'graceful_timeout', 'executable', 'use_sockets', 'priority', 'copy_env', 'singleton', 'stdout_stream_conf', 'on_demand', 'stderr_stream_conf', 'max_age', 'max_age_variance', 'close_child_stdin', 'close_child_stdout', 'close_child_stderr'];
		expect(Object.keys(options)).toEqual(expect.arrayContaining(circusOptnames));
		expect(options).toMatchObject({
			cmd: 'sleep 1000', args: '', numprocesses: 2, graceful_timeout: 3, pty: false, respawn: true, warmup_delay: 0, max_age: 0, max_age_variance: 30,
			stop_signal: 15, uid: null, executable: null, env: {}, stdout_stream_conf: {}, working_dir: daemon.dir,
		});
		expect(typeof options.streams).toBe('string');
	});

	it('get answers any option, substituted and typed, and refuses only an unknown one', async () => {
		daemon = await startDaemon('[watcher:web]\ncmd = sleep 1000\nworking_dir = $(circus.env.procui_test_dir)\nenv = A=1\nautostart = false\n', {env: {PROCUI_TEST_DIR: '/tmp'}});
		const got = field<Record<string, unknown>>(await daemon.ok('get', {name: 'web', keys: ['env', 'uid', 'warmup_delay', 'max_age', 'working_dir', 'autostart']}), 'options');
		expect(got).toEqual({env: {A: '1'}, uid: null, warmup_delay: 0, max_age: 0, working_dir: '/tmp', autostart: false});
		// The flapping rule's switch and settings, which README lists among the watcher's options.
		expect(field(await daemon.ok('get', {name: 'web', keys: ['check_flapping', 'flapping.attempts', 'flapping.retry_in']}), 'options')).toEqual({check_flapping: true, 'flapping.attempts': 2, 'flapping.retry_in': 7});
		for (const key of ['nope', 'constructor', '__proto__', 'toString']) {
			expect(await daemon.call('get', {name: 'web', keys: [key]})).toMatchObject({status: 'error', errno: 3});
		}
	});

	it('after set, get gives the new value with its type', async () => {
		daemon = await startDaemon('[watcher:web]\ncmd = sleep 1000\nautostart = false\n');
		await daemon.ok('set', {name: 'web', options: {respawn: 'false', graceful_timeout: '7', stop_signal: 'INT'}});
		expect(field(await daemon.ok('get', {name: 'web', keys: ['respawn', 'graceful_timeout', 'stop_signal']}), 'options')).toEqual({respawn: false, graceful_timeout: 7, stop_signal: 2});
	});
});

describe('changing watchers at run time', () => {
	it('add creates a watcher and, with start, runs it; rm stops and removes it', async () => {
		const marker = uniqueSleep();
		daemon = await startDaemon('[watcher:base]\ncmd = sleep 1000\nautostart = false\n');
		await daemon.ok('add', {name: 'extra', cmd: 'sleep', args: [marker], options: {numprocesses: 2}, start: true});
		expect(field(await daemon.ok('list'), 'watchers')).toEqual(['base', 'extra']);
		await waitFor(() => pidsMatching(marker).length === 2, {what: 'two extra processes'});
		await daemon.ok('rm', {name: 'extra'});
		expect(field(await daemon.ok('list'), 'watchers')).toEqual(['base']);
		expect(pidsMatching(marker)).toEqual([]);
	});

	it('add with args as a list passes each item as one argument', async () => {
		daemon = await startDaemon('[watcher:base]\ncmd = sleep 1000\nautostart = false\n');
		await daemon.ok('add', {name: 'a1', cmd: 'python3', args: ['-c', 'import sys; print(sys.argv)', 'a b', 'it\'s', '', 'c'], options: {respawn: false}, start: true});
		const line = await waitFor(async () => field<Array<{text: string}>>(await daemon!.ok('logs', {name: 'a1', lines: 10}), 'lines').find((candidate) => candidate.text.startsWith('[')), {what: 'the program to print its arguments'});
		expect(line.text).toBe(`['-c', 'a b', "it's", '', 'c']`);
	});

	it('add and set take env as an object, as Circus sends it', async () => {
		daemon = await startDaemon('[watcher:base]\ncmd = sleep 1000\nautostart = false\n');
		await daemon.ok('add', {name: 'a2', cmd: 'sleep 100', options: {env: {A: '1', B: 'two words'}}, start: true});
		expect(field(await daemon.ok('get', {name: 'a2', keys: ['env']}), 'options')).toEqual({env: {A: '1', B: 'two words'}});
		const [pid] = await waitFor(async () => {
			const list = pids(await daemon!.ok('list', {name: 'a2'}));
			return list.length === 1 ? list : undefined;
		});
		expect(fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')).toEqual(expect.arrayContaining(['A=1', 'B=two words']));
		await daemon.ok('set', {name: 'a2', options: {env: {A: '2'}}});
		expect(field<{env: Record<string, string>}>(await daemon.ok('get', {name: 'a2', keys: ['env']}), 'options').env.A).toBe('2');
		expect(await daemon.call('add', {name: 'a3', cmd: 'sleep 100', options: {env: {A: 'x,y'}}})).toMatchObject({status: 'error', errno: 3});
	});

	it('add with start of a command that cannot spawn answers as start does: errno 4 with the reason', async () => {
		daemon = await startDaemon('[watcher:base]\ncmd = sleep 1000\nautostart = false\n');
		const added = await daemon.call('add', {name: 'gone', cmd: '/no/such/program', options: {max_retry: 1}, start: true});
		await daemon.ok('stop', {name: 'gone'});
		const started = await daemon.call('start', {name: 'gone'});
		expect(started).toMatchObject({status: 'error', errno: 4});
		expect(added).toMatchObject({status: 'error', errno: 4, reason: field(started, 'reason')});
		expect(field(await daemon.ok('list'), 'watchers')).toEqual(['base', 'gone']);
	});

	it('add refuses a bad option with the option named, and keeps serving', async () => {
		daemon = await startDaemon('[watcher:base]\ncmd = sleep 1000\nautostart = false\n');
		const reply = await daemon.call('add', {name: 'bad', cmd: 'sleep 1', options: {numprocesses: 'many'}});
		expect(reply).toMatchObject({status: 'error', errno: 3});
		expect(String(field(reply, 'reason'))).toMatch(/numprocesses/);
		expect(field(await daemon.ok('list'), 'watchers')).toEqual(['base']);
	});

	it('set numprocesses rescales without restarting the others', async () => {
		daemon = await startDaemon(`[watcher:w]\ncmd = sleep ${uniqueSleep()}\n`);
		const [first] = await waitFor(async () => {
			const list = pids(await daemon!.ok('list', {name: 'w'}));
			return list.length === 1 ? list : undefined;
		});
		await daemon.ok('set', {name: 'w', options: {numprocesses: '3'}});
		const after = await waitFor(async () => {
			const list = pids(await daemon!.ok('list', {name: 'w'}));
			return list.length === 3 ? list : undefined;
		});
		expect(after).toContain(first);
		expect(field(await daemon.ok('get', {name: 'w', keys: ['numprocesses']}), 'options')).toEqual({numprocesses: 3});
	});

	it('set of another option reloads the processes with it', async () => {
		const marker = uniqueSleep();
		daemon = await startDaemon('[watcher:w]\ncmd = sleep 1000\n');
		await waitFor(async () => pids(await daemon!.ok('list', {name: 'w'})).length === 1);
		await daemon.ok('set', {name: 'w', options: {cmd: `sleep ${marker}`}});
		await waitFor(() => pidsMatching(marker).length === 1, {what: 'the new command to run'});
		expect(field(await daemon.ok('options', {name: 'w'}), 'options')).toMatchObject({cmd: `sleep ${marker}`});
	});

	it('reloadconfig applies only the difference: unchanged watchers keep their processes', async () => {
		const keep = uniqueSleep();
		const change = uniqueSleep();
		daemon = await startDaemon(`[watcher:keep]\ncmd = sleep ${keep}\n\n[watcher:scale]\ncmd = sleep ${keep}\n\n[watcher:change]\ncmd = sleep ${change}\n\n[watcher:gone]\ncmd = sleep ${change}\n`);
		await waitFor(() => pidsMatching(keep).length === 2 && pidsMatching(change).length === 2);
		const keepPids = pids(await daemon.ok('list', {name: 'keep'}));
		const scalePids = pids(await daemon.ok('list', {name: 'scale'}));
		const changePids = pids(await daemon.ok('list', {name: 'change'}));
		const changed = uniqueSleep();
		fs.writeFileSync(path.join(daemon.dir, 'circus.ini'), `[watcher:keep]\ncmd = sleep ${keep}\n\n[watcher:scale]\ncmd = sleep ${keep}\nnumprocesses = 2\n\n[watcher:change]\ncmd = sleep ${changed}\n\n[watcher:new]\ncmd = sleep ${changed}\n`);
		const reply = await daemon.ok('reloadconfig');
		expect(reply).toMatchObject({added: ['new'], removed: ['gone'], changed: ['change'], rescaled: ['scale']});
		expect(pids(await daemon.ok('list', {name: 'keep'}))).toEqual(keepPids);
		await waitFor(async () => pids(await daemon!.ok('list', {name: 'scale'})).length === 2);
		expect(pids(await daemon.ok('list', {name: 'scale'}))).toContain(scalePids[0]);
		await waitFor(() => pidsMatching(changed).length === 2, {what: 'changed and new to run the new command'});
		expect(changePids.some((pid) => alive(pid))).toBe(false);
		expect(field(await daemon.ok('list'), 'watchers')).toEqual(['change', 'keep', 'new', 'scale']);
	});

	it('reloadconfig with a broken file keeps the running configuration and says why', async () => {
		daemon = await startDaemon('[watcher:w]\ncmd = sleep 1000\n');
		fs.writeFileSync(path.join(daemon.dir, 'circus.ini'), '[watcher:w]\ncmd = sleep 1000\nnumprocesses = lots\n');
		const reply = await daemon.call('reloadconfig');
		expect(reply).toMatchObject({status: 'error', errno: 3});
		expect(String(field(reply, 'reason'))).toMatch(/circus\.ini:3: .*numprocesses/);
		expect(field(await daemon.ok('list'), 'watchers')).toEqual(['w']);
	});
});

describe('malformed control messages', () => {
	async function raw(socketPath: string, lines: string[]): Promise<Array<Record<string, unknown>>> {
		const socket = net.connect({path: socketPath});
		let buffer = '';
		socket.setEncoding('utf8');
		socket.on('data', (chunk: string) => {
			buffer += chunk;
		});
		for (const line of lines) {
			socket.write(`${line}\n`);
		}

		await waitFor(() => buffer.split('\n').filter(Boolean).length >= lines.length, {what: 'a reply per line'});
		socket.destroy();
		return buffer.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
	}

	it('answers garbage, a missing command and a bad property with errors, then serves the next request', async () => {
		daemon = await startDaemon('[watcher:w]\ncmd = sleep 1000\nautostart = false\n');
		const replies = await raw(daemon.endpoint.slice('ipc://'.length), [
			'{not json',
			'{"id":"a"}',
			'{"id":"b","command":"incr","properties":{"name":"w","nb":"lots"}}',
			'{"id":"c","command":"status"}',
		]);
		expect(replies.find((reply) => reply.id === null)).toMatchObject({status: 'error', errno: 1});
		expect(replies.find((reply) => reply.id === 'a')).toMatchObject({status: 'error', errno: 3});
		expect(replies.find((reply) => reply.id === 'b')).toMatchObject({status: 'error', errno: 3});
		expect(replies.find((reply) => reply.id === 'c')).toMatchObject({status: 'ok', statuses: {w: 'stopped'}});
	});

	it('takes a number as a request id and echoes it as given, as Circus does', async () => {
		daemon = await startDaemon('[watcher:w]\ncmd = sleep 1000\nautostart = false\n');
		const replies = await raw(daemon.endpoint.slice('ipc://'.length), ['{"id":1,"command":"status"}', '{"id":2,"command":"stop","properties":{"name":"nope"}}']);
		expect(replies.find((reply) => reply.id === 1)).toMatchObject({status: 'ok', statuses: {w: 'stopped'}});
		expect(replies.find((reply) => reply.id === 2)).toMatchObject({status: 'error', errno: 3});
	});
});
