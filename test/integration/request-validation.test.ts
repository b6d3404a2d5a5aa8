import fs from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {isErrorReply, type Properties} from '../../source/control/protocol.js';
import {field} from '../helpers/reply.js';
import {alive, pids, pidsMatching, startDaemon, uniqueSleep, waitFor, type Daemon} from '../helpers/daemon.js';

const marker = uniqueSleep();

/** A request, and what its error reply must name: the property and the value as sent. */
type BadRequest = readonly [command: string, properties: Properties, reason: string];

describe('every number and switch of a request is checked with the config\'s rules', () => {
	let daemon: Daemon;
	let before: number[];

	beforeAll(async () => {
		daemon = await startDaemon(`
[watcher:web]
cmd = sleep ${marker}
numprocesses = 2
graceful_timeout = 30

[watcher:family]
cmd = sh -c 'sleep ${marker} & wait; exec sleep ${marker}'
`);
		before = await waitFor(async () => {
			const now = pids(await daemon.ok('list', {name: 'web'}));
			return now.length === 2 ? now.sort((a, b) => a - b) : undefined;
		}, {what: 'web to start'});
	});

	afterAll(async () => {
		await daemon?.stop();
	});

	/** Send each request; each must be refused with errno 3 and a reason naming what was bad, and change nothing. */
	async function expectRefused(requests: readonly BadRequest[]): Promise<void> {
		for (const [command, properties, reason] of requests) {
			const reply = await daemon.call(command, properties);
			expect(isErrorReply(reply), `${command} ${JSON.stringify(properties)}`).toBe(true);
			expect(reply).toMatchObject({errno: 3, reason});
		}

		// The supervisor keeps running, and nothing was scaled, killed or signalled.
		expect(daemon.process.exitCode).toBeNull();
		expect(field(await daemon.ok('numprocesses', {name: 'web'}), 'numprocesses')).toBe(2);
		expect(field(await daemon.ok('options', {name: 'web'}), 'options')).toMatchObject({numprocesses: 2});
		expect(pids(await daemon.ok('list', {name: 'web'})).sort((a, b) => a - b)).toEqual(before);
		expect(before.every((pid) => alive(pid))).toBe(true);
		expect((await daemon.ok('status', {name: 'web'})).status).toBe('active');
	}

	it('incr and decr refuse a count that is negative, zero, fractional or not a number', async () => {
		await expectRefused([
			['incr', {name: 'web', nb: -3}, 'Expected `nb` to be a whole number from 1 to 10000, got `-3`'],
			['incr', {name: 'web', nb: '-3'}, 'Expected `nb` to be a whole number from 1 to 10000, got `"-3"`'],
			['incr', {name: 'web', nb: 0}, 'Expected `nb` to be a whole number from 1 to 10000, got `0`'],
			['incr', {name: 'web', nb: 2.5}, 'Expected `nb` to be a whole number from 1 to 10000, got `2.5`'],
			['incr', {name: 'web', nb: 'many'}, 'Expected `nb` to be a whole number from 1 to 10000, got `"many"`'],
			['incr', {name: 'web', nb: [1]}, 'Expected `nb` to be a whole number from 1 to 10000, got `[1]`'],
			['decr', {name: 'web', nb: -3}, 'Expected `nb` to be a whole number ≥ 1, got `-3`'],
			['decr', {name: 'web', nb: 'all'}, 'Expected `nb` to be a whole number ≥ 1, got `"all"`'],
		]);
	});

	it('incr refuses to take a watcher above the numprocesses ceiling', async () => {
		await expectRefused([
			['incr', {name: 'web', nb: 100_000}, 'Expected `nb` to be a whole number from 1 to 10000, got `100000`'],
			['incr', {name: 'web', nb: 9999}, 'Expected `nb` to keep web at 10000 processes or fewer (it has 2), got `9999`'],
		]);
	});

	it('kill refuses a graceful_timeout or signum the config would refuse, and kills nothing', async () => {
		await expectRefused([
			['kill', {name: 'web', graceful_timeout: 'abc'}, 'Expected `graceful_timeout` to be a number of seconds ≥ 0, at most 2147483 (24.8 days), got `"abc"`'],
			['kill', {name: 'web', graceful_timeout: -1}, 'Expected `graceful_timeout` to be a number of seconds ≥ 0, at most 2147483 (24.8 days), got `-1`'],
			['kill', {name: 'web', graceful_timeout: 1e10}, 'Expected `graceful_timeout` to be a number of seconds ≥ 0, at most 2147483 (24.8 days), got `10000000000`'],
			['kill', {name: 'web', graceful_timeout: {seconds: 5}}, 'Expected `graceful_timeout` to be a number of seconds ≥ 0, at most 2147483 (24.8 days), got `{"seconds":5}`'],
			['kill', {name: 'web', signum: 'SIGNOPE'}, 'Expected `signum` to be a signal name or number such as SIGTERM, term or 15, got `"SIGNOPE"`'],
			['kill', {name: 'web', signum: 0}, 'Expected `signum` to be a signal name or number such as SIGTERM, term or 15, got `0`'],
			['kill', {name: 'web', pid: 'abc'}, 'Expected `pid` to be a pid (a whole number ≥ 1), got `"abc"`'],
		]);
	});

	it('signal refuses a missing or unknown signal and a bad pid, and signals nothing', async () => {
		await expectRefused([
			['signal', {name: 'web'}, 'missing property: signum'],
			['signal', {name: 'web', signum: 999}, 'Expected `signum` to be a signal name or number such as SIGTERM, term or 15, got `999`'],
			['signal', {name: 'web', signum: 'TERM', pid: -1}, 'Expected `pid` to be a pid (a whole number ≥ 1), got `-1`'],
			['signal', {name: 'web', signum: 'TERM', childpid: 'x'}, 'Expected `childpid` to be a pid (a whole number ≥ 1), got `"x"`'],
			['signal', {name: 'web', signum: 'TERM', childpid: before[1]!}, 'Expected `pid` with `childpid`: the process whose child to signal'],
			['signal', {name: 'web', signum: 'TERM', pid: before[0]!, childpid: before[1]!}, `process ${before[1]} is not a child of process ${before[0]} in watcher web`],
			['signal', {name: 'web', signum: 'TERM', children: 'perhaps'}, 'Expected `children` to be true or false (also yes/no, on/off, 1/0), got `"perhaps"`'],
		]);
	});

	it('signal with childpid signals that child of the process, and only it', async () => {
		const [shell] = await waitFor(async () => {
			const list = pids(await daemon.ok('list', {name: 'family'}));
			return list.length === 1 ? list : undefined;
		}, {what: 'family to start'});
		const child = await waitFor(() => pidsMatching(marker).find((candidate) => fs.readFileSync(`/proc/${candidate}/stat`, 'utf8').split(') ')[1]!.split(' ')[1] === String(shell)), {what: 'the shell\'s sleep'});
		await daemon.ok('signal', {name: 'family', pid: shell!, childpid: child, signum: 'KILL'});
		await waitFor(() => !alive(child), {what: 'the child to die'});
		// The shell was not signalled: once its `wait` returns it execs sleep, under the same pid.
		await waitFor(() => alive(shell!) && fs.readFileSync(`/proc/${shell}/cmdline`, 'utf8').startsWith('sleep\0'), {what: 'the shell to carry on'});
		expect(pids(await daemon.ok('list', {name: 'family'}))).toEqual([shell]);
	});

	it('set and add validate numprocesses and the other options as a config file would', async () => {
		await expectRefused([
			['set', {name: 'web', options: {numprocesses: '-3'}}, 'numprocesses: expected a whole number from 0 to 10000, got "-3"'],
			['set', {name: 'web', options: {numprocesses: '100000'}}, 'numprocesses: expected a whole number from 0 to 10000, got "100000"'],
			['set', {name: 'web', options: {graceful_timeout: '1e10'}}, 'graceful_timeout: expected a number of seconds ≥ 0, at most 2147483 (24.8 days), got "1e10"'],
			['set', {name: 'web', options: {rlimit_nofile: 'abc'}}, 'rlimit_nofile: expected a whole number ≥ 0, or -1, `unlimited` or nothing for no limit, got "abc"'],
			['add', {name: 'other', cmd: 'sleep 1', options: {numprocesses: '100000'}}, 'numprocesses: expected a whole number from 0 to 10000, got "100000"'],
			['add', {name: 'other', cmd: 'sleep\u0000 1'}, 'cmd: contains a NUL byte (at character 6), which no command line, path or environment variable can hold'],
			['add', {name: 'other', cmd: 'sleep 1', start: 'soon'}, 'Expected `start` to be true or false (also yes/no, on/off, 1/0), got `"soon"`'],
		]);
		expect(field(await daemon.ok('list'), 'watchers')).toEqual(['family', 'web']);
	});

	it('stats, logs, reload, match and waiting refuse bad values too', async () => {
		await expectRefused([
			['stats', {name: 'web', process: 'abc'}, 'Expected `process` to be a pid (a whole number ≥ 1), got `"abc"`'],
			['logs', {name: 'web', lines: -1}, 'Expected `lines` to be a whole number ≥ 0, got `-1`'],
			['logs', {name: 'web', pid: 1.5}, 'Expected `pid` to be a pid (a whole number ≥ 1), got `1.5`'],
			['reload', {name: 'web', graceful: 'perhaps'}, 'Expected `graceful` to be true or false (also yes/no, on/off, 1/0), got `"perhaps"`'],
			['stop', {name: 'web', match: 'fuzzy'}, 'Expected `match` to be one of simple, glob, regex, got `"fuzzy"`'],
			['stop', {name: 'web', waiting: 'maybe'}, 'Expected `waiting` to be true or false (also yes/no, on/off, 1/0), got `"maybe"`'],
		]);
	});

	it('refuses a property the command does not take, naming it and the ones it takes, and does nothing', async () => {
		await expectRefused([
			['stop', {name: 'web', nmae: 'web'}, 'unknown property for stop: nmae (it takes name, match, and waiting)'],
			['quit', {now: true}, 'unknown property for quit: now (it takes none, and waiting)'],
			['incr', {name: 'web', nb: 1, count: 2, force: true}, 'unknown properties for incr: count, force (it takes name, nb, and waiting)'],
		]);
		expect(pids(await daemon.ok('list', {name: 'web'})).sort((a, b) => a - b)).toEqual(before);
	});
});
