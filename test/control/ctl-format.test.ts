import {Buffer} from 'node:buffer';
import {describe, expect, it} from 'vitest';
import {ctlExitCode, formatCtlReply} from '../../source/control/ctl-format.js';
import {errno, errorReply, type Reply} from '../../source/control/protocol.js';

function ok(fields: Record<string, unknown> = {}): Reply {
	return {id: 'a1', status: 'ok', time: 1, ...fields};
}

const sleepInfo = {
	pid: 26_033, cpu: 0, mem: 0.6, mem_info1: '1.46M', mem_info2: '2.44M', ctime: '0:00.0',
	age: 12.4, cmdline: 'sleep', username: 'root', nice: 0, children: [],
};

describe('formatCtlReply', () => {
	it('prints an error reply as error: and its reason', () => {
		expect(formatCtlReply('stop', errorReply('a1', 'watcher \'wbe\' not found', errno.messageError))).toBe('error: watcher \'wbe\' not found');
	});

	it('prints ok for a command with nothing to show', () => {
		expect(formatCtlReply('stop', ok({info: null}))).toBe('ok');
	});

	it('says when a later command overtook a start or stop, for one watcher or several', () => {
		expect(formatCtlReply('stop', ok({info: {superseded: 'start'}}))).toBe('ok, superseded by `start`');
		expect(formatCtlReply('start', ok({info: {web: {superseded: 'stop web'}, api: {}}}))).toBe('ok, superseded by `stop web`');
	});

	it('prints what input and resize did, and for screen (the prompt\'s line; ctl prints the screen itself) its size in bytes', () => {
		expect(formatCtlReply('input', ok({pid: 12, bytes: 3}))).toBe('3 bytes typed into 12');
		expect(formatCtlReply('resize', ok({pid: 12, columns: 100, rows: 30}))).toBe('12: 100x30');
		expect(formatCtlReply('screen', ok({pid: 12, data: Buffer.from('\u001B[?1049htop').toString('base64'), end: 11, alternate: true})))
			.toBe('12: 11 bytes of raw output, alternate screen; the log pane shows the screen (T switches to the lines)');
	});

	it('prints the state of every watcher, sorted by name', () => {
		expect(formatCtlReply('status', ok({statuses: {web: 'active', db: 'stopped', cache: 'starting'}}))).toBe('cache: starting\ndb: stopped\nweb: active');
	});

	it('prints the state of one watcher', () => {
		expect(formatCtlReply('status', {id: 'a1', status: 'active', time: 1})).toBe('active');
	});

	it('prints watchers comma-separated', () => {
		expect(formatCtlReply('list', ok({watchers: ['db', 'web']}))).toBe('db,web');
	});

	it('prints a watcher\'s pids comma-separated', () => {
		expect(formatCtlReply('list', ok({pids: [1234, 1235]}))).toBe('1234,1235');
	});

	it.each([
		['numprocesses', {numprocesses: 4, watcher_name: 'web'}, '4'],
		['numwatchers', {numwatchers: 2}, '2'],
		['incr', {numprocesses: 3}, '3'],
		['decr', {numprocesses: 0}, '0'],
	])('prints the number `%s` replies with', (command, fields, text) => {
		expect(formatCtlReply(command, ok(fields))).toBe(text);
	});

	it('prints options as key = value lines, sorted', () => {
		expect(formatCtlReply('options', ok({options: {numprocesses: 2, cmd: 'sleep 10', env: {A: '1'}}}))).toBe('cmd = sleep 10\nenv = {"A":"1"}\nnumprocesses = 2');
	});

	it('prints get\'s options in the order asked for', () => {
		expect(formatCtlReply('get', ok({options: {numprocesses: 2, cmd: 'sleep 10'}}))).toBe('numprocesses = 2\ncmd = sleep 10');
	});

	it('prints global options as key = value lines', () => {
		expect(formatCtlReply('globaloptions', ok({options: {check_delay: 5, endpoint: 'ipc:///run/procui.sock'}}))).toBe('check_delay = 5\nendpoint = ipc:///run/procui.sock');
	});

	it('prints sockets by fd with their address or path', () => {
		const sockets = [
			{fd: 9, name: 'unix', backlog: 2048, path: '/tmp/web.sock'},
			{fd: 7, name: 'web', backlog: 2048, host: '127.0.0.1', port: 8080},
		];
		expect(formatCtlReply('listsockets', ok({sockets}))).toBe('7: web - 127.0.0.1:8080\n9: unix - /tmp/web.sock');
	});

	it('prints stats for every watcher, then each pid', () => {
		const infos = {
			web: {1234: {...sleepInfo, pid: 1234, cmdline: 'node'}, 987: {...sleepInfo, pid: 987, cpu: 12.25, age: 3725}},
			db: {55: 'No such process (stopped?)'},
		};
		expect(formatCtlReply('stats', ok({infos}))).toBe([
			'db:',
			'  55: No such process (stopped?)',
			'web:',
			'  987: 12.3% 1.46M (0.6%) up 1h02m sleep',
			'  1234: 0.0% 1.46M (0.6%) up 12s node',
		].join('\n'));
	});

	it('prints stats for one watcher, with children indented', () => {
		const child = {...sleepInfo, pid: 1240, cmdline: 'worker', age: 75};
		const info = {1234: {...sleepInfo, pid: 1234, children: [child]}};
		expect(formatCtlReply('stats', ok({name: 'web', info}))).toBe('web:\n  1234: 0.0% 1.46M (0.6%) up 12s sleep\n    1240: 0.0% 1.46M (0.6%) up 1m15s worker');
	});

	it('prints stats for one process', () => {
		expect(formatCtlReply('stats', ok({process: 26_033, info: sleepInfo}))).toBe('26033: 0.0% 1.46M (0.6%) up 12s sleep');
	});

	it('prints the supervisor\'s own stats', () => {
		expect(formatCtlReply('dstats', ok({info: {...sleepInfo, pid: 10, cmdline: 'procui'}}))).toBe('10: 0.0% 1.46M (0.6%) up 12s procui');
	});
});

describe('ctlExitCode', () => {
	it('is 0 for an ok reply', () => {
		expect(ctlExitCode(ok())).toBe(0);
	});

	it('is 3 for an error reply, as circusctl\'s', () => {
		expect(ctlExitCode(errorReply('a1', 'no', errno.commandError))).toBe(3);
	});
});

describe('control characters from the server', () => {
	it('are escaped in an error reason, and a newline in it stays on its line', () => {
		expect(formatCtlReply('quit', errorReply('a1', 'gone\u001B[2J\r\nok', errno.commandError))).toBe(String.raw`error: gone\x1b[2J\x0d\nok`);
	});

	it('are escaped in option names and values', () => {
		expect(formatCtlReply('globaloptions', ok({options: {'a\u0007': 'b\u009B31m'}}))).toBe(String.raw`a\x07 = b\x9b31m`);
	});
});
