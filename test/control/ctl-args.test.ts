import {describe, expect, it} from 'vitest';
import {parseCtlArgs} from '../../source/control/ctl-args.js';

function parse(line: string) {
	return parseCtlArgs(line.split(' ').filter(Boolean));
}

describe('parseCtlArgs builds the request for', () => {
	it.each([
		['add web python -m http.server', 'add', {name: 'web', cmd: 'python -m http.server', start: false}],
		['add --start web sleep 10', 'add', {name: 'web', cmd: 'sleep 10', start: true}],
		['add web --start sleep 10', 'add', {name: 'web', cmd: 'sleep 10', start: true}],
		['add web node server.js --port 80', 'add', {name: 'web', cmd: 'node server.js --port 80', start: false}],
		['rm web', 'rm', {name: 'web', nostop: false}],
		['rm web --nostop', 'rm', {name: 'web', nostop: true}],
		['start', 'start', {}],
		['start web', 'start', {name: 'web'}],
		['stop web --match glob', 'stop', {name: 'web', match: 'glob'}],
		['stop web* --match=regex', 'stop', {name: 'web*', match: 'regex'}],
		['restart web', 'restart', {name: 'web'}],
		['reload', 'reload', {graceful: true, sequential: false}],
		['reload web --terminate --sequential', 'reload', {name: 'web', graceful: false, sequential: true}],
		['reloadconfig', 'reloadconfig', {}],
		['quit', 'quit', {}],
		['incr web', 'incr', {name: 'web', nb: 1}],
		['incr web 2', 'incr', {name: 'web', nb: 2}],
		['decr web 3', 'decr', {name: 'web', nb: 3}],
		['numprocesses', 'numprocesses', {}],
		['numprocesses web', 'numprocesses', {name: 'web'}],
		['numwatchers', 'numwatchers', {}],
		['list', 'list', {}],
		['list web', 'list', {name: 'web'}],
		['listsockets', 'listsockets', {}],
		['status', 'status', {}],
		['status web', 'status', {name: 'web'}],
		['stats', 'stats', {extended: false}],
		['stats --extended web 1234', 'stats', {name: 'web', process: 1234, extended: true}],
		['stats web', 'stats', {name: 'web', extended: false}],
		['dstats', 'dstats', {}],
		['get web numprocesses cmd', 'get', {name: 'web', keys: ['numprocesses', 'cmd']}],
		['options web', 'options', {name: 'web'}],
		['set web numprocesses 3 graceful_timeout 5', 'set', {name: 'web', options: {numprocesses: '3', graceful_timeout: '5'}}],
		['globaloptions', 'globaloptions', {}],
		['globaloptions check_delay', 'globaloptions', {option: 'check_delay'}],
		['signal web HUP', 'signal', {name: 'web', signum: 'SIGHUP', children: false, recursive: false}],
		['signal web 1234 --children HUP', 'signal', {name: 'web', pid: 1234, signum: 'SIGHUP', children: true, recursive: false}],
		['signal web 1234 1240 --recursive 15', 'signal', {name: 'web', pid: 1234, childpid: 1240, signum: 15, children: false, recursive: true}],
		['kill web', 'kill', {name: 'web'}],
		['kill web 1234 --signum TERM --graceful_timeout 2.5', 'kill', {name: 'web', pid: 1234, signum: 'SIGTERM', graceful_timeout: 2.5}],
		['input web ls', 'input', {name: 'web', data: 'ls'}],
		['input web --enter ls', 'input', {name: 'web', data: 'ls\r'}],
		['input web 1234 q', 'input', {name: 'web', pid: 1234, data: 'q'}],
		['input web --pid 1234 12', 'input', {name: 'web', pid: 1234, data: '12'}],
		['resize web 100 30', 'resize', {name: 'web', columns: 100, rows: 30}],
		['resize web 1234 100 30', 'resize', {name: 'web', pid: 1234, columns: 100, rows: 30}],
		['resize web 100 30 --pid=1234', 'resize', {name: 'web', pid: 1234, columns: 100, rows: 30}],
		['screen web', 'screen', {name: 'web'}],
		['screen web 1234', 'screen', {name: 'web', pid: 1234}],
		['screen web --pid 1234', 'screen', {name: 'web', pid: 1234}],
	])('`%s`', (line, command, properties) => {
		expect(parse(line)).toEqual({command, properties: {...properties, waiting: true}});
	});
});

describe('parseCtlArgs', () => {
	it('sends waiting: false with --no-waiting', () => {
		expect(parse('stop web --no-waiting')).toEqual({command: 'stop', properties: {name: 'web', waiting: false}});
	});

	it('accepts circusctl\'s --waiting, which is already the default', () => {
		expect(parse('quit --waiting')).toEqual({command: 'quit', properties: {waiting: true}});
	});

	it('treats everything after -- as arguments', () => {
		expect(parse('signal -- web --TERM')).toMatchObject({error: expect.stringContaining('`--TERM`')});
	});

	it('names an unknown command and lists the known ones', () => {
		expect(parse('frobnicate web')).toEqual({error: expect.stringMatching(/^unknown command `frobnicate`; the commands are: add, rm, start/)});
	});

	it('says so when no command is given', () => {
		expect(parseCtlArgs([])).toEqual({error: expect.stringContaining('no command given')});
	});

	it.each([
		['incr', '`incr` takes 1 to 2 arguments, got 0; usage: procui ctl incr <name> [nb]'],
		['incr web 2 3', '`incr` takes 1 to 2 arguments, got 3; usage: procui ctl incr <name> [nb]'],
		['rm', '`rm` takes 1 argument, got 0; usage: procui ctl rm <name> [--nostop]'],
		['quit now', '`quit` takes 0 arguments, got 1; usage: procui ctl quit'],
		['add web', '`add` takes at least 2 arguments, got 1; usage: procui ctl add [--start] <name> <cmd...>'],
		['get web', '`get` takes at least 2 arguments, got 1; usage: procui ctl get <name> <key...>'],
		['signal web', '`signal` takes 2 to 4 arguments, got 1; usage: procui ctl signal <name> [<pid> [<childpid>]] [--children] [--recursive] <signum>'],
	])('gives a usage error for the wrong number of arguments: `%s`', (line, error) => {
		expect(parse(line)).toEqual({error});
	});

	it('keeps input\'s data whole (one argument), and names what is wrong with a terminal command\'s words', () => {
		expect(parseCtlArgs(['input', 'web', 'echo  two  spaces'])).toEqual({command: 'input', properties: {name: 'web', data: 'echo  two  spaces', waiting: true}});
		expect(parseCtlArgs(['input', 'web', ''])).toMatchObject({error: expect.stringContaining('Expected the text to type, got an empty argument')});
		expect(parseCtlArgs(['input', 'web', '', '--enter'])).toEqual({command: 'input', properties: {name: 'web', data: '\r', waiting: true}});
		expect(parse('input web 1234 ls more')).toMatchObject({error: expect.stringContaining('`input` takes 2 to 3 arguments, got 4')});
		expect(parse('input web abc ls')).toMatchObject({error: expect.stringContaining('Expected a pid (a positive whole number), got `abc`')});
		expect(parse('resize web 100')).toMatchObject({error: expect.stringContaining('`resize` takes 3 to 4 arguments, got 2')});
		expect(parse('resize web 100 1001')).toMatchObject({error: expect.stringContaining('Expected `rows` to be a whole number from 1 to 1000, got `1001`')});
		expect(parse('resize web wide 30')).toMatchObject({error: expect.stringContaining('Expected `columns` to be a whole number from 1 to 1000, got `wide`')});
		expect(parse('screen web 12 --pid 13')).toMatchObject({error: expect.stringContaining('Expected one pid, got `12` and `--pid 13`')});
		expect(parse('screen web 12 --pid 12')).toEqual({command: 'screen', properties: {name: 'web', pid: 12, waiting: true}});
	});

	it('names a bad count', () => {
		expect(parse('incr web two')).toEqual({error: 'Expected `nb` to be a positive whole number, got `two`; usage: procui ctl incr <name> [nb]'});
	});

	it('names a bad signal', () => {
		expect(parse('signal web HUPP')).toMatchObject({error: expect.stringContaining('Expected a signal name (HUP, SIGTERM) or number, got `HUPP`')});
	});

	it('names a bad pid', () => {
		expect(parse('stats web abc')).toMatchObject({error: expect.stringContaining('Expected a pid (a positive whole number), got `abc`')});
	});

	it('names a bad --match mode', () => {
		expect(parse('stop web --match fuzzy')).toMatchObject({error: expect.stringContaining('Expected `--match` to be one of simple, glob, regex, got `fuzzy`')});
	});

	it('names a bad --graceful_timeout', () => {
		expect(parse('kill web --graceful_timeout soon')).toMatchObject({error: expect.stringContaining('Expected `--graceful_timeout` to be a number of seconds, got `soon`')});
	});

	it('refuses an odd number of words after set\'s watcher name', () => {
		expect(parse('set web numprocesses 3 cmd')).toMatchObject({error: expect.stringContaining('odd number of words')});
	});

	it('names an option the command does not have', () => {
		expect(parse('stop web --force')).toEqual({error: 'unknown option `--force` for `stop`; usage: procui ctl stop [name] [--match simple|glob|regex]'});
	});

	it('says when an option is missing its value', () => {
		expect(parse('kill web --signum')).toMatchObject({error: expect.stringContaining('option `--signum` needs a value')});
	});

	it('refuses a value given to a flag', () => {
		expect(parse('rm web --nostop=yes')).toMatchObject({error: expect.stringContaining('option `--nostop` takes no value')});
	});

	it('refuses --waiting together with --no-waiting', () => {
		expect(parse('stop --waiting --no-waiting')).toMatchObject({error: expect.stringContaining('contradict')});
	});
});
