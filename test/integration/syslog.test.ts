import childProcess, {type ChildProcess} from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {loadIni, loadIniErrors} from '../config/fixtures.js';
import {startDaemon, stopAndClean, tempDir, waitFor, type Daemon} from '../helpers/daemon.js';

/*
procui's own log to syslog (`logoutput = syslog://…`, as Circus's SysLogHandler): real datagrams,
to a UDP socket of the test's and to a local datagram socket held by a Python receiver (Node has
no AF_UNIX datagrams), which is then restarted as a log daemon is.
*/

let daemon: Daemon | undefined;
const cleanups: Array<() => void> = [];

afterEach(async () => {
	await stopAndClean(daemon, cleanups);
	daemon = undefined;
});

/** A message as glibc's syslog(3) writes it: `<PRI>Mmm dd hh:mm:ss procui[PID]: [LEVEL] text`. */
function syslogLine(priority: number, pid: number, level: string, text: string): RegExp {
	return new RegExp(`^<${priority}>[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d procui\\[${pid}\\]: \\[${level}\\] ${text}`);
}

/** A UDP socket of the test's on loopback: each datagram received, as text. */
async function udpReceiver(): Promise<{readonly received: string[]; readonly port: number}> {
	const server = dgram.createSocket('udp4');
	cleanups.push(() => server.close());
	const received: string[] = [];
	server.on('message', (message) => received.push(message.toString()));
	await new Promise<void>((resolve) => {
		server.bind(0, '127.0.0.1', resolve);
	});
	return {received, port: server.address().port};
}

/** A Python receiver bound to a datagram socket at `file`: each datagram as one line of its stdout. */
async function unixReceiver(file: string): Promise<{readonly lines: string[]; readonly child: ChildProcess}> {
	fs.rmSync(file, {force: true});
	const script = 'import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\nprint("ready",flush=True)\nwhile True:\n    print(s.recv(65536).decode().replace("\\n"," "),flush=True)\n';
	const child = childProcess.spawn('python3', ['-c', script, file], {stdio: ['ignore', 'pipe', 'inherit']});
	cleanups.push(() => child.kill('SIGKILL'));
	const lines: string[] = [];
	let partial = '';
	child.stdout!.setEncoding('utf8');
	child.stdout!.on('data', (chunk: string) => {
		const parts = (partial + chunk).split('\n');
		partial = parts.pop()!;
		lines.push(...parts);
	});
	await waitFor(() => lines[0] === 'ready', {what: 'the receiver to bind its socket'});
	lines.shift();
	return {lines, child};
}

describe('logoutput = syslog://', () => {
	it('HOST:PORT?local3: every log line is a UDP datagram with its facility and severity, none on stderr', async () => {
		const {received, port} = await udpReceiver();
		daemon = await startDaemon(`[circus]\nlogoutput = syslog://127.0.0.1:${port}?local3\n\n[watcher:w]\ncmd = sh -c 'exit 7'\nrespawn = false\n`);
		const pid = daemon.process.pid!;
		// local3 is 19: a warning is 19 × 8 + 4, debug 19 × 8 + 7.
		await waitFor(() => received.some((line) => syslogLine(156, pid, 'WARNING', 'w: process \\d+ exited on its own').test(line)), {what: 'the exit\'s warning'});
		expect(received.some((line) => syslogLine(159, pid, 'DEBUG', '').test(line))).toBe(true);
		expect(received.every((line) => /^<15[2-9]>/.test(line))).toBe(true);
		expect(daemon.stderr()).not.toMatch(/exited on its own/);
	});

	it('/PATH?daemon from --log-output: datagrams to a local socket, and again once its reader has made it anew', async () => {
		const dir = tempDir('procui-syslog-');
		cleanups.push(() => fs.rmSync(dir, {recursive: true, force: true}));
		const file = path.join(dir, 'log.sock');
		const first = await unixReceiver(file);
		daemon = await startDaemon('[watcher:w]\ncmd = sleep 1000\n', {args: ['--log-output', `syslog://${file}?daemon`]});
		const pid = daemon.process.pid!;
		// daemon is 3: info is 3 × 8 + 6.
		await waitFor(() => first.lines.some((line) => syslogLine(30, pid, 'INFO', '').test(line)), {what: 'an info line'});
		expect(daemon.stderr()).toBe('');
		// The log daemon restarts: its socket is made again at the same path.
		first.child.kill('SIGKILL');
		await new Promise((resolve) => first.child.once('exit', resolve));
		const second = await unixReceiver(file);
		// A cast of a command that does not exist is logged at debug (as the helper's log marker).
		daemon.client.cast('procui-test-syslog-marker');
		await waitFor(() => second.lines.some((line) => syslogLine(31, pid, 'DEBUG', '.*procui-test-syslog-marker').test(line)), {what: 'the marker through the new socket'});
	});

	it('--log-output with a facility that is not one: `user`, and a warning saying so', async () => {
		const {received, port} = await udpReceiver();
		daemon = await startDaemon('[watcher:w]\ncmd = sleep 1000\n', {args: ['--log-output', `syslog://127.0.0.1:${port}?nosuch`]});
		// user is 1: a warning is 1 × 8 + 4.
		await waitFor(() => received.some((line) => syslogLine(12, daemon!.process.pid!, 'WARNING', '--log-output: "nosuch" is not a syslog facility; using `user`').test(line)), {what: 'the facility\'s warning'});
	});

	it('a socket path nobody listens on: the reason on stderr, and the log goes there instead', async () => {
		const dir = tempDir('procui-syslog-');
		cleanups.push(() => fs.rmSync(dir, {recursive: true, force: true}));
		const file = path.join(dir, 'nobody.sock');
		daemon = await startDaemon('[watcher:w]\ncmd = sleep 1000\n', {args: ['--log-output', `syslog://${file}`]});
		await daemon.logged(new RegExp(`\\[ERROR\\] logoutput syslog://${file}: cannot log to ${file}: ENOENT; logging to the standard error stream instead`));
		await daemon.flushLog();
	});

	it('is read from the config: a facility that is not one is `user` with a warning; neither host nor path is an error', () => {
		expect(loadIni('[circus]\nlogoutput = syslog:///dev/log?local7\n').arbiter.logoutput).toBe('syslog:///dev/log?local7');
		const warned = loadIni('[circus]\nlogoutput = syslog://loghost?nosuch\n');
		expect(warned.arbiter.logoutput).toBe('syslog://loghost?nosuch');
		expect(warned.warnings.map((issue) => issue.message)).toContainEqual(expect.stringMatching(/logoutput: "nosuch" is not a syslog facility; using `user`/));
		const errors = loadIniErrors('[circus]\nlogoutput = syslog://\n');
		expect(errors.map((issue) => `${issue.origin.line}: ${issue.message}`)).toContainEqual(expect.stringMatching(/^2: logoutput: "syslog:\/\/" names neither a host nor a socket path/));
	});
});
