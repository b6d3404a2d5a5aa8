/**
The bench's peers without running them: which are found (and the one line for each that is not),
the configs generated for them, PM2's RPC framing, and their columns in the table. None of this
needs supervisord or PM2 installed; running them is the bench's job.
*/
import childProcess from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, expect, test} from 'vitest';
import type {PeerProgram} from './peer-daemon.js';
import {decodeAxon, encodeAxon, pm2Ecosystem} from './peer-pm2.js';
import {supervisordConfig, supervisordSocket} from './peer-supervisord.js';
import {detectPeers} from './peers.js';
import {evaluate, markdownTable, textTable} from './table.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procui-bench-peers-test-'));

afterAll(() => {
	fs.rmSync(dir, {recursive: true, force: true});
});

/** A folder holding an executable script for each name: what PATH lookup sees. */
function binFolder(name: string, executables: readonly string[]): string {
	const folder = path.join(dir, name);
	fs.mkdirSync(folder);
	for (const executable of executables) {
		fs.writeFileSync(path.join(folder, executable), '#!/bin/sh\nexit 0\n', {mode: 0o755});
	}

	return folder;
}

/** Sections and their `key = value` lines, as an INI reader sees them. */
function readIni(text: string): Map<string, Map<string, string>> {
	const sections = new Map<string, Map<string, string>>();
	let current: Map<string, string> | undefined;
	for (const line of text.split('\n')) {
		const section = /^\[(.+)\]$/.exec(line);
		if (section) {
			current = new Map();
			sections.set(section[1]!, current);
		} else if (line.trim() !== '') {
			const match = /^([\w.]+) = (.*)$/.exec(line);
			expect(match, `not a key = value line: ${line}`).not.toBeNull();
			expect(current, `a line before any section: ${line}`).toBeDefined();
			current!.set(match![1]!, match![2]!);
		}
	}

	return sections;
}

const churn: PeerProgram = {name: 'churn', argv: ['sh', '-c', 'sleep 0.2; exit 1', 'marker-1'], count: 10, restart: true};
const flood: PeerProgram = {name: 'pipe-1', argv: ['cat', '/tmp/lines 100%.txt'], count: 1, restart: false, logFile: path.join(dir, 'pipe-1.log')};

test('with neither peer on PATH, each gets one line saying it is not installed and how to install it', () => {
	const empty = binFolder('empty', []);
	const detection = detectPeers({PATH: empty});
	expect(detection.found).toEqual([]);
	expect(detection.absent).toHaveLength(2);
	expect(detection.absent[0]).toMatch(/^supervisord: not installed \(no supervisord on PATH; sh test\/bench\/install-peers\.sh, or apt-get install supervisor\)$/);
	expect(detection.absent[1]).toMatch(/^PM2: not installed \(no pm2 on PATH and PROCUI_BENCH_PM2 unset; sh test\/bench\/install-peers\.sh/);
	for (const line of detection.absent) {
		expect(line).not.toContain('\n');
	}
});

test('supervisord needs supervisorctl too; PM2 is found on PATH', () => {
	const partial = binFolder('partial', ['supervisord', 'pm2']);
	const detection = detectPeers({PATH: `/nonexistent${path.delimiter}${partial}`});
	expect(detection.found).toEqual([{name: 'pm2', daemon: path.join(partial, 'pm2'), cli: path.join(partial, 'pm2')}]);
	expect(detection.absent).toEqual([expect.stringMatching(/^supervisord: not installed \(no supervisorctl on PATH/)]);
});

test('PROCUI_BENCH_PM2 wins over PATH, and a path that is no executable is named', () => {
	const both = binFolder('both', ['supervisord', 'supervisorctl', 'pm2']);
	const other = binFolder('other', ['pm2']);
	const chosen = detectPeers({PATH: both, PROCUI_BENCH_PM2: path.join(other, 'pm2')});
	expect(chosen.found.map(tool => [tool.name, tool.daemon])).toEqual([['supervisord', path.join(both, 'supervisord')], ['pm2', path.join(other, 'pm2')]]);
	expect(chosen.absent).toEqual([]);

	const notThere = path.join(dir, 'no-such-pm2');
	const wrong = detectPeers({PATH: both, PROCUI_BENCH_PM2: notThere});
	expect(wrong.found.map(tool => tool.name)).toEqual(['supervisord']);
	expect(wrong.absent).toEqual([`PM2: PROCUI_BENCH_PM2 is \`${notThere}\`, which is not an executable file (sh test/bench/install-peers.sh prints the path to export)`]);
});

test('the generated supervisord.conf keeps everything in its folder and names each program with its processes', () => {
	const config = readIni(supervisordConfig(dir, [churn, flood]));
	expect([...config.keys()]).toEqual(['unix_http_server', 'supervisord', 'rpcinterface:supervisor', 'supervisorctl', 'program:churn', 'program:pipe-1']);
	expect(config.get('unix_http_server')!.get('file')).toBe(path.join(dir, supervisordSocket));
	expect(config.get('supervisorctl')!.get('serverurl')).toBe(`unix://${path.join(dir, supervisordSocket)}`);
	expect(config.get('supervisord')!.get('nodaemon')).toBe('true');
	for (const key of ['logfile', 'pidfile', 'childlogdir']) {
		expect(config.get('supervisord')!.get(key)!.startsWith(dir), key).toBe(true);
	}

	const program = config.get('program:churn')!;
	expect(program.get('numprocs')).toBe('10');
	expect(program.get('process_name')).toBe('%(program_name)s_%(process_num)d');
	expect(program.get('autostart')).toBe('false');
	expect(program.get('autorestart')).toBe('true');
	expect(program.get('startsecs')).toBe('0');
	expect(program.get('stdout_logfile')).toBe('NONE');
	const logged = config.get('program:pipe-1')!;
	expect(logged.get('autorestart')).toBe('false');
	expect(logged.get('stdout_logfile')).toBe(flood.logFile);
	expect(logged.get('stdout_logfile_maxbytes')).toBe('0');
});

test('a program\'s command reads back as its arguments, `%` escaped for supervisord', () => {
	const config = readIni(supervisordConfig(dir, [churn, flood]));
	for (const program of [churn, flood]) {
		// supervisord splits the command as a POSIX shell would; `%%` is its escaped `%`.
		const command = config.get(`program:${program.name}`)!.get('command')!.replaceAll('%%', '%');
		const words = childProcess.execFileSync('sh', ['-c', `printf '%s\\0' ${command}`], {encoding: 'utf8'}).split('\0').slice(0, -1);
		expect(words).toEqual(program.argv);
	}

	expect(config.get('program:pipe-1')!.get('command')).toContain('100%%');
});

test('a command supervisord would cut at an inline comment is refused by name', () => {
	expect(() => supervisordConfig(dir, [{name: 'bad', argv: ['sh', '-c', 'true ;false'], count: 1, restart: false}]))
		.toThrow('supervisord.conf: program bad\'s command cannot hold');
	expect(() => supervisordConfig(dir, [{name: 'web app', argv: ['true'], count: 1, restart: false}]))
		.toThrow('program name `web app` must be');
});

test('the PM2 ecosystem declares each app stopped, in fork mode, with no back-off and no give-up', () => {
	const {apps} = pm2Ecosystem(dir, [churn, flood]);
	expect(apps).toHaveLength(2);
	expect(apps[0]).toMatchObject({name: 'churn', script: 'sh', args: ['-c', 'sleep 0.2; exit 1', 'marker-1'], interpreter: 'none', exec_mode: 'fork', instances: 10, autostart: false, autorestart: true, restart_delay: 0, out_file: '/dev/null'});
	expect(apps[0]!.max_restarts).toBeGreaterThan(1e6);
	expect(apps[1]).toMatchObject({name: 'pipe-1', instances: 1, autorestart: false, out_file: flood.logFile, merge_logs: true, time: false});
	expect(JSON.parse(JSON.stringify({apps}))).toEqual({apps});
});

test('PM2\'s RPC framing: a call encodes as axon does, and replies decode across chunk boundaries', () => {
	const call = encodeAxon([{type: 'call', method: 'getMonitorData', args: [{}]}, 'procui-bench:0']);
	// Version 1, two arguments; each a 32-bit length and a typed body.
	expect(call[0]).toBe(0x12);
	const first = call.readUInt32BE(1);
	expect(call.toString('utf8', 5, 5 + first)).toBe('j:{"type":"call","method":"getMonitorData","args":[{}]}');
	expect(call.toString('utf8', 9 + first)).toBe('s:procui-bench:0');

	const replies = Buffer.concat([encodeAxon([{args: [[{pm_id: 0, name: 'w'}]]}, 'procui-bench:0']), encodeAxon([{error: 'id unknown'}, 'procui-bench:1'])]);
	const cut = replies.length - 5;
	const head = decodeAxon(replies.subarray(0, cut));
	expect(head.messages).toEqual([[{args: [[{pm_id: 0, name: 'w'}]]}, 'procui-bench:0']]);
	const tail = decodeAxon(Buffer.concat([head.rest, replies.subarray(cut)]));
	expect(tail.messages).toEqual([[{error: 'id unknown'}, 'procui-bench:1']]);
	expect(tail.rest).toHaveLength(0);
});

test('the peers are two more columns: a figure where measured, `—` where not', () => {
	const rows = [
		evaluate({id: 'w1.spawn', figure: 'W1 all 100 running', unit: 's', baselineName: 'sh loop', procui: 0.2, baseline: 0.1, peers: {supervisord: 0.35, pm2: 1.25}}),
		evaluate({id: 'w2.pty.throughput', figure: 'W2 PTY throughput', unit: 'MB/s', baselineName: 'script -qfc', procui: 60, baseline: 61}),
	];
	const text = textTable(rows).split('\n');
	expect(text[0]).toMatch(/^figure\s+procui\s+baseline\s+ratio\s+target\s+result\s+supervisord\s+PM2$/);
	expect(text[2]).toMatch(/pass|info/);
	expect(text[2]).toMatch(/0\.35 s\s+1\.25 s$/);
	expect(text[3]).toMatch(/—\s+—$/);
	const markdown = markdownTable(rows).split('\n');
	expect(markdown[0]).toBe('| figure | procui | baseline | ratio | target | result | supervisord | PM2 |');
	expect(markdown[2]).toBe('| W1 all 100 running | 0.2 s | 0.1 s (sh loop) | 2× | — | info | 0.35 s | 1.25 s |');
	// The peers never decide a row's outcome.
	expect(evaluate({id: 'x', figure: 'x', unit: 's', baselineName: 'b', peers: {supervisord: 1}}).outcome).toBe('error');
});
