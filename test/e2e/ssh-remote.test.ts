/**
ssh:// endpoints against a real sshd on 127.0.0.1 (a throwaway host key and client key) and a real
daemon: the client runs the system ssh, which runs this worktree's `procui proxy` "remotely".
*/
import childProcess from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {cliPath, pidsMatching, startDaemon, waitFor, type Daemon} from '../helpers/daemon.js';
import {sshUnavailable, startSshd, type Sshd} from '../helpers/sshd.js';
import {runInTerminal, type Screen} from './terminal.js';
import {gatherOutput} from '../helpers/run.js';

const unavailable = sshUnavailable();
if (unavailable !== undefined) {
	console.warn(`ssh:// tests skipped: ${unavailable}`);
}

let sshd: Sshd;
let daemon: Daemon;
let socket: string;
const screens: Screen[] = [];
const children: childProcess.ChildProcess[] = [];

type Run = {status: number | null; stdout: string; stderr: string};

async function procui(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
	return new Promise((resolve) => {
		childProcess.execFile(process.execPath, [cliPath, ...args], {env: {...process.env, ...sshd.env, ...env}, timeout: 60_000}, (error, stdout, stderr) => {
			resolve({status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr});
		});
	});
}

/** The `procui proxy` processes serving this test's daemon: the "remote" side of every ssh:// client
(not the local ssh clients, whose arguments hold the same remote command). */
function proxies(): number[] {
	return pidsMatching(`proxy --endpoint ipc://${socket}`).filter((pid) => {
		try {
			return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'ssh';
		} catch {
			return false;
		}
	});
}

/**
Let other users reach `file`: each directory above it that they cannot enter gets o+x until the
returned function puts its mode back. A checkout in a directory of mode 0700 (`mktemp -d`) needs it
for a test whose other user runs this checkout's procui.
*/
function openForOthers(file: string): () => void {
	const opened: Array<{directory: string; mode: number}> = [];
	for (let directory = path.dirname(file); ; directory = path.dirname(directory)) {
		const mode = fs.statSync(directory).mode & 0o7777;
		if ((mode & 0o001) === 0) {
			fs.chmodSync(directory, mode | 0o001);
			opened.push({directory, mode});
		}

		if (directory === path.dirname(directory)) {
			break;
		}
	}

	return () => {
		for (const {directory, mode} of opened) {
			fs.chmodSync(directory, mode);
		}
	};
}

describe.skipIf(unavailable !== undefined)('ssh:// endpoints through a real sshd', () => {
	beforeAll(async () => {
		sshd = await startSshd();
		daemon = await startDaemon(`
[watcher:web]
cmd = sleep 1000
numprocesses = 2
pty = false

[watcher:ticker]
cmd = sh -c 'i=0; while :; do i=$((i+1)); echo "tick $i"; sleep 0.1; done'
pty = false
`);
		socket = daemon.endpoint.replace('ipc://', '');
		await waitFor(async () => (await daemon.ok('status', {name: 'web'})).status === 'active', {what: 'web to run'});
	});

	afterEach(async () => {
		for (const screen of screens.splice(0)) {
			screen.kill();
		}

		for (const child of children.splice(0)) {
			child.kill('SIGKILL');
		}
	});

	afterAll(async () => {
		await daemon?.stop();
		await sshd?.stop();
	});

	test('ctl status over ssh:// answers from the remote daemon, and the remote proxy exits after', async () => {
		const run = await procui(['ctl', '--endpoint', sshd.url(socket), 'status']);
		expect(run.stderr).toBe('');
		expect(run.stdout).toBe('ticker: active\nweb: active\n');
		expect(run.status).toBe(0);
		const json = await procui(['ctl', '--json', '--endpoint', sshd.url(socket), 'list', 'web']);
		expect(JSON.parse(json.stdout)).toMatchObject({status: 'ok', pids: expect.arrayContaining([expect.any(Number)]) as unknown});
		await waitFor(() => proxies().length === 0, {what: 'the remote proxies to exit'});
	});

	test('logs -f over ssh:// shows lines as they are written; killing it (SIGKILL) ends its ssh and the remote proxy', async () => {
		const child = childProcess.spawn(process.execPath, [cliPath, 'logs', 'ticker', '-f', '-n', '1', '--no-color', '--endpoint', sshd.url(socket)], {env: {...process.env, ...sshd.env}, stdio: ['ignore', 'pipe', 'pipe']});
		children.push(child);
		let out = '';
		child.stdout.setEncoding('utf8');
		child.stdout.on('data', (chunk: string) => {
			out += chunk;
		});
		const ticks = (): number[] => [...out.matchAll(/ticker\.\d+ \| tick (\d+)/g)].map((match) => Number(match[1]));
		await waitFor(() => ticks().length >= 1, {what: 'the first line', timeoutMs: 30_000});
		const first = ticks()[0]!;
		// Live: lines written after the first one arrive while the command runs.
		await waitFor(() => ticks().some((tick) => tick >= first + 5), {what: 'five more live lines'});
		expect(proxies()).toHaveLength(1);
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGKILL');
		await exited;
		// Its orphaned ssh sees its stdin close, the proxy sees the end, and both leave.
		await waitFor(() => proxies().length === 0 && pidsMatching(`proxy --endpoint ipc://${socket}`).length === 0, {what: 'the remote proxy and the ssh client to exit'});
	});

	test('logs -f over ssh:// says so when the remote daemon dies and waits for it; the remote proxy goes, and an interrupt ends logs', async () => {
		const other = await startDaemon('[watcher:ticker]\ncmd = sh -c \'while :; do echo alive; sleep 0.1; done\'\npty = false\n');
		const otherSocket = other.endpoint.replace('ipc://', '');
		try {
			const child = childProcess.spawn(process.execPath, [cliPath, 'logs', 'ticker', '-f', '--no-color', '--endpoint', sshd.url(otherSocket)], {env: {...process.env, ...sshd.env}, stdio: ['ignore', 'pipe', 'pipe']});
			children.push(child);
			const output = gatherOutput(child);
			// 'close', not 'exit': its stderr is read to the end by then.
			const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
			await waitFor(() => output.stdout().includes('| alive'), {what: 'live lines', timeoutMs: 30_000});
			other.process.kill('SIGKILL');
			await waitFor(() => output.stderr().includes('procui logs: the supervisor went away; waiting for it to come back'), {what: 'logs to say it waits'});
			child.kill('SIGINT');
			expect(await exited).toBe(0);
			await waitFor(() => pidsMatching(`proxy --endpoint ipc://${otherSocket}`).length === 0, {what: 'the remote proxy and ssh to exit'});
		} finally {
			await other.stop();
		}
	});

	test('attach over ssh:// shows the remote watchers in a real terminal; q leaves the daemon running', async () => {
		const screen = runInTerminal(['attach', '--endpoint', sshd.url(socket)], {cwd: daemon.dir, columns: 100, rows: 30, env: sshd.env});
		screens.push(screen);
		const text = await screen.waitFor((current) => /web\s.*2\/2/.test(current) && current.includes('ticker') && current.includes('ATTACHED'), 'the remote watchers', 45_000);
		expect(text).toContain('2 watchers');
		expect(proxies()).toHaveLength(1);
		screen.type('q');
		expect(await screen.exited).toBe(0);
		expect(await screen.restored()).toBe(true);
		await waitFor(() => proxies().length === 0, {what: 'the remote proxy to exit'});
		expect(await daemon.ok('status', {})).toMatchObject({statuses: {web: 'active', ticker: 'active'}});
	});

	test('the remote daemon\'s access rules still decide: another ssh user is refused at the socket', async () => {
		const user = `procui-ssh-${process.pid}`;
		childProcess.execFileSync('useradd', ['--create-home', '--shell', '/bin/sh', user]);
		// That user runs this checkout's procui (its proxy) on the remote side.
		const close = openForOthers(cliPath);
		try {
			// A locked account ('!' in shadow) may not log in over ssh: give it an unusable password instead.
			childProcess.execFileSync('usermod', ['--password', '*', user]);
			const url = sshd.url(socket).replace('ssh://root@', `ssh://${user}@`);
			const run = await procui(['ctl', '--endpoint', url, 'status']);
			expect(run.status).toBe(1);
			expect(run.stderr).toContain(`on 127.0.0.1: cannot connect to ipc://${socket}: permission denied (the socket belongs to another user)`);
			expect(run.stdout).toBe('');
		} finally {
			close();
			childProcess.spawnSync('userdel', ['--remove', user], {stdio: 'ignore'});
		}
	});

	test('clear errors: nothing listening on the port, procui missing remotely, no daemon there, a refused key, no ssh', async () => {
		const refused = await procui(['ctl', '--endpoint', `ssh://root@127.0.0.1:1${socket}`, 'status']);
		expect(refused.status).toBe(1);
		expect(refused.stderr).toContain('cannot reach root@127.0.0.1:1: connection refused (is sshd running there, on that port?)');

		const missing = await procui(['ctl', '--endpoint', sshd.url(socket), 'status'], {PROCUI_REMOTE_COMMAND: '/nonexistent/procui'});
		expect(missing.status).toBe(1);
		expect(missing.stderr).toContain('procui is not installed on 127.0.0.1 (or not on the PATH of a non-interactive shell); set PROCUI_REMOTE_COMMAND');

		const noDaemon = await procui(['logs', 'web', '--endpoint', sshd.url('/tmp/no-such-procui.sock')]);
		expect(noDaemon.status).toBe(1);
		expect(noDaemon.stderr).toContain('on 127.0.0.1: cannot connect to ipc:///tmp/no-such-procui.sock: no procui is running there');

		const wrongKey = await procui(['ctl', '--endpoint', sshd.url(socket), 'status'], {PROCUI_SSH_OPTIONS: `${sshd.env.PROCUI_SSH_OPTIONS!.replace(/-i \S+/, '-i /dev/null')}`});
		expect(wrongKey.status).toBe(1);
		expect(wrongKey.stderr).toContain('permission denied: ssh could not log in to root@127.0.0.1');

		const noSsh = await procui(['ctl', '--endpoint', sshd.url(socket), 'status'], {PATH: '/nonexistent'});
		expect(noSsh.status).toBe(1);
		expect(noSsh.stderr).toContain('the ssh command is not installed (or not on the PATH)');

		const bad = await procui(['ctl', '--endpoint', 'ssh://-oProxyCommand=touch/tmp/x/sock', 'status']);
		expect(bad.status).toBe(1);
		expect(bad.stderr).toContain('Expected a host name');
		expect(proxies()).toEqual([]);
	});
});
