import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {isErrorReply} from '../../source/control/protocol.js';
import {field} from '../helpers/reply.js';
import {alive, pids, startDaemon, uniqueSleep, waitFor, type Daemon} from '../helpers/daemon.js';

const marker = uniqueSleep();


describe('the daemon answers every circusctl command over its socket', () => {
	let daemon: Daemon;

	beforeAll(async () => {
		daemon = await startDaemon(`
[circus]
check_delay = 1

[watcher:sleeper]
cmd = sleep ${marker}
numprocesses = 2
graceful_timeout = 5

[watcher:family]
cmd = sh -c 'sleep ${marker} & sleep ${marker} & wait'
priority = 5

[watcher:idle]
cmd = sleep ${marker}
autostart = false
`);
		await waitFor(async () => pids(await daemon.ok('list', {name: 'sleeper'})).length === 2 && pids(await daemon.ok('list', {name: 'family'})).length === 1, {what: 'watchers to start'});
	});

	afterAll(async () => {
		await daemon?.stop();
	});

	it('status lists every watcher with its state', async () => {
		const reply = await daemon.ok('status');
		expect(field(reply, 'statuses')).toEqual({family: 'active', idle: 'stopped', sleeper: 'active'});
	});

	it('status NAME puts the state where Circus does: in "status"', async () => {
		expect((await daemon.ok('status', {name: 'sleeper'})).status).toBe('active');
	});

	it('list gives sorted watcher names, and list NAME its pids', async () => {
		expect(field(await daemon.ok('list'), 'watchers')).toEqual(['family', 'idle', 'sleeper']);
		const sleeperPids = pids(await daemon.ok('list', {name: 'sleeper'}));
		expect(sleeperPids).toHaveLength(2);
		expect(sleeperPids.every((pid) => alive(pid))).toBe(true);
	});

	it('numwatchers and numprocesses count', async () => {
		expect(field(await daemon.ok('numwatchers'), 'numwatchers')).toBe(3);
		expect(field(await daemon.ok('numprocesses', {name: 'sleeper'}), 'numprocesses')).toBe(2);
		expect(field(await daemon.ok('numprocesses'), 'numprocesses')).toBe(3);
	});

	it('start runs a stopped watcher and replies once its process runs', async () => {
		const reply = await daemon.ok('start', {name: 'idle', waiting: true});
		const started = field<{started: number[]}>(reply, 'info').started;
		expect(started).toHaveLength(1);
		expect(alive(started[0]!)).toBe(true);
		expect((await daemon.ok('status', {name: 'idle'})).status).toBe('active');
	});

	it('stop replies once every process is gone', async () => {
		const before = pids(await daemon.ok('list', {name: 'idle'}));
		await daemon.ok('stop', {name: 'idle', waiting: true});
		expect(before.some((pid) => alive(pid))).toBe(false);
		expect((await daemon.ok('status', {name: 'idle'})).status).toBe('stopped');
	});

	it('incr and decr change the count and reply with it', async () => {
		expect(field(await daemon.ok('incr', {name: 'sleeper', nb: 2}), 'numprocesses')).toBe(4);
		await waitFor(async () => pids(await daemon.ok('list', {name: 'sleeper'})).length === 4, {what: '4 sleepers'});
		expect(field(await daemon.ok('decr', {name: 'sleeper', nb: 2}), 'numprocesses')).toBe(2);
		await waitFor(async () => pids(await daemon.ok('list', {name: 'sleeper'})).length === 2, {what: '2 sleepers'});
	});

	it('decr never goes below zero', async () => {
		await daemon.ok('start', {name: 'idle'});
		expect(field(await daemon.ok('decr', {name: 'idle', nb: 100}), 'numprocesses')).toBe(0);
		expect(field(await daemon.ok('incr', {name: 'idle'}), 'numprocesses')).toBe(1);
		await daemon.ok('stop', {name: 'idle'});
	});

	it('restart replaces every process', async () => {
		const before = pids(await daemon.ok('list', {name: 'sleeper'}));
		await daemon.ok('restart', {name: 'sleeper', waiting: true});
		const after = pids(await daemon.ok('list', {name: 'sleeper'}));
		expect(after).toHaveLength(2);
		expect(after.some((pid) => before.includes(pid))).toBe(false);
	});

	it('reload starts new processes and retires the old ones, alternating wids as Circus does', async () => {
		const before = pids(await daemon.ok('list', {name: 'sleeper'}));
		await daemon.ok('reload', {name: 'sleeper', waiting: true});
		const after = pids(await daemon.ok('list', {name: 'sleeper'}));
		expect(after).toHaveLength(2);
		expect(after.some((pid) => before.includes(pid))).toBe(false);
		const info = field<Record<string, {wid: number}>>(await daemon.ok('stats', {name: 'sleeper'}), 'info');
		expect(Object.values(info).map((row) => row.wid).sort()).toEqual([3, 4]);
	});

	it('stats reports CPU, memory, age and children per process, read from /proc', async () => {
		const reply = await daemon.ok('stats', {name: 'family'});
		const rows = Object.values(field<Record<string, {cpu: number; rss: number; mem_info1: string; age: number; children: number[]; cmdline: string}>>(reply, 'info'));
		expect(rows).toHaveLength(1);
		expect(rows[0]!.rss).toBeGreaterThan(0);
		expect(rows[0]!.mem_info1).toMatch(/^\d+(\.\d+)?[KMG]?B?$/);
		expect(rows[0]!.children).toHaveLength(2);
		expect(rows[0]!.cmdline).toBe('sh');
		const all = field<Record<string, Record<string, unknown>>>(await daemon.ok('stats'), 'infos');
		expect(Object.keys(all).sort()).toEqual(['family', 'idle', 'sleeper']);
	});

	it('dstats describes the supervisor itself', async () => {
		const info = field<{pid: number; rss: number}>(await daemon.ok('dstats'), 'info');
		expect(info.pid).toBe(daemon.process.pid);
		expect(info.rss).toBeGreaterThan(0);
	});

	it('signal reaches a process, and with children only its children', async () => {
		const [familyPid] = pids(await daemon.ok('list', {name: 'family'}));
		const statsReply = await daemon.ok('stats', {name: 'family'});
		const children = Object.values(field<Record<string, {children: number[]}>>(statsReply, 'info'))[0]!.children;
		await daemon.ok('signal', {name: 'family', signum: 'TERM', children: true});
		await waitFor(() => children.every((pid) => !alive(pid)), {what: 'the children to die'});
		// The shell's `wait` returns once its children are gone, so it exits and is respawned.
		await waitFor(async () => {
			const now = pids(await daemon.ok('list', {name: 'family'}));
			return now.length === 1 && now[0] !== familyPid;
		}, {what: 'family to be respawned'});
	});

	it('kill stops a process with a signal and timeout; the watcher replaces it', async () => {
		const [victim] = pids(await daemon.ok('list', {name: 'sleeper'}));
		await daemon.ok('kill', {name: 'sleeper', pid: victim, signum: 'INT', graceful_timeout: 1});
		expect(alive(victim!)).toBe(false);
		await waitFor(async () => pids(await daemon.ok('list', {name: 'sleeper'})).length === 2, {what: 'a replacement'});
	});

	it('options and get show the options as configured', async () => {
		const options = field<Record<string, unknown>>(await daemon.ok('options', {name: 'sleeper'}), 'options');
		expect(options.cmd).toBe(`sleep ${marker}`);
		expect(options.graceful_timeout).toBe(5);
		const got = field<Record<string, unknown>>(await daemon.ok('get', {name: 'sleeper', keys: ['graceful_timeout']}), 'options');
		expect(got).toEqual({graceful_timeout: 5});
	});

	it('globaloptions shows the endpoint and check_delay', async () => {
		const options = field<Record<string, unknown>>(await daemon.ok('globaloptions'), 'options');
		expect(options.endpoint).toBe(daemon.endpoint);
		expect(options.check_delay).toBe(1);
	});

	it('an unknown watcher is an error reply with errno 3, and the daemon keeps serving', async () => {
		const reply = await daemon.call('stop', {name: 'nope'});
		expect(isErrorReply(reply)).toBe(true);
		expect(reply).toMatchObject({status: 'error', errno: 3});
		expect((await daemon.ok('status', {name: 'sleeper'})).status).toBe('active');
	});

	it('an unknown command is an error reply with errno 2', async () => {
		expect(await daemon.call('frobnicate')).toMatchObject({status: 'error', errno: 2, reason: "unknown command: 'frobnicate'"});
	});
});

describe('start, stop, restart and reload match names as Circus does', () => {
	let daemon: Daemon | undefined;

	// Each test starts its own daemon: each is stopped after it.
	afterEach(async () => {
		await daemon?.stop();
		daemon = undefined;
	});

	it('a glob takes fnmatch\'s [...] sets, and is compared lower-cased', async () => {
		const sleep = uniqueSleep();
		daemon = await startDaemon(['w1', 'w2', 'w3'].map((name) => `[watcher:${name}]\ncmd = sleep ${sleep}\nautostart = false\n`).join('\n'));
		await daemon.ok('start', {name: 'w[12]'});
		expect(field(await daemon.ok('status'), 'statuses')).toEqual({w1: 'active', w2: 'active', w3: 'stopped'});
		await daemon.ok('stop', {name: 'W[!2]'});
		expect(field(await daemon.ok('status'), 'statuses')).toEqual({w1: 'stopped', w2: 'active', w3: 'stopped'});
		expect(await daemon.call('start', {name: 'w[4-9]'})).toMatchObject({status: 'error', errno: 3, reason: 'program w[4-9] not found'});
	});

	// circus/commands/restart.py: re.compile(name.lower()).match(watcher.name.lower()).
	it('a regex is compared lower-cased and from the start of the name, as Python\'s re.match', async () => {
		const sleep = uniqueSleep();
		daemon = await startDaemon(['web', 'webworker', 'oldweb'].map((name) => `[watcher:${name}]\ncmd = sleep ${sleep}\nautostart = false\n`).join('\n'));
		await daemon.ok('start', {name: 'WEB', match: 'regex'});
		expect(field(await daemon.ok('status'), 'statuses')).toEqual({oldweb: 'stopped', web: 'active', webworker: 'active'});
		await daemon.ok('stop', {name: 'web$', match: 'regex'});
		expect(field(await daemon.ok('status'), 'statuses')).toEqual({oldweb: 'stopped', web: 'stopped', webworker: 'active'});
		expect(await daemon.call('start', {name: 'eb', match: 'regex'})).toMatchObject({status: 'error', errno: 3, reason: 'program eb not found'});
	});
});
