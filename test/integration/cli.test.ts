import childProcess from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {alive, cliPath, repoRoot, startDaemon, tempDir, uniqueSleep, waitFor, type Daemon} from '../helpers/daemon.js';

function run(args: readonly string[], options: {cwd?: string; env?: NodeJS.ProcessEnv} = {}): {code: number | null; stdout: string; stderr: string} {
	const result = childProcess.spawnSync(process.execPath, [cliPath, ...args], {cwd: options.cwd ?? repoRoot, env: {...process.env, ...options.env}, encoding: 'utf8', timeout: 60_000});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

describe('procui check', () => {
	it('accepts the bundled examples', () => {
		const result = run(['check', 'examples/circus.ini']);
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/examples\/circus\.ini: OK: 3 watchers/);
		expect(run(['check', 'examples/Procfile']).code).toBe(0);
	});

	it('names file and line of every error, and exits 1', () => {
		const dir = tempDir();
		fs.writeFileSync(path.join(dir, 'bad.ini'), '[circus]\ncheck_delay = soon\n\n[watcher:web]\ncmd = sleep 1\nnumprocesses = many\nstop_signal = SIGFOO\n\n[watchers:typo]\ncmd = x\n');
		const result = run(['check', 'bad.ini'], {cwd: dir});
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/^bad\.ini:2: error: .*check_delay/m);
		expect(result.stderr).toMatch(/^bad\.ini:6: error: .*numprocesses/m);
		expect(result.stderr).toMatch(/^bad\.ini:7: error: .*stop_signal/m);
		expect(result.stderr).toMatch(/^bad\.ini:9: error: .*watchers:typo/m);
		expect(result.stdout).toBe('');
	});

	it('warns about an option procui does not support, with file and line, and still exits 0', () => {
		const dir = tempDir();
		fs.writeFileSync(path.join(dir, 'circus.ini'), '[watcher:web]\ncmd = sleep 1\nhooks.before_start = my.hook\n');
		const result = run(['check', 'circus.ini'], {cwd: dir});
		expect(result.code).toBe(0);
		expect(result.stderr).toMatch(/^circus\.ini:3: warning: .*hooks\.before_start/m);
	});

	it('says what to do when there is no configuration', () => {
		const result = run(['daemon'], {cwd: tempDir()});
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/procui\.ini|circus\.ini|Procfile/);
	});
});

describe('procui ctl', () => {
	let daemon: Daemon;

	afterAll(async () => {
		await daemon?.stop();
	});

	it('prints circusctl-like output and exits 0, 3 on an error reply, 2 on bad usage, 1 when nothing listens', async () => {
		daemon = await startDaemon(`[watcher:web]\ncmd = sleep ${uniqueSleep()}\n`);
		await waitFor(async () => (await daemon.ok('status', {name: 'web'})).status === 'active');
		const status = run(['ctl', '--endpoint', daemon.endpoint, 'status']);
		expect(status).toMatchObject({code: 0, stdout: 'web: active\n'});
		const json = run(['ctl', '--endpoint', daemon.endpoint, '--json', 'incr', 'web', '2']);
		expect(json.code).toBe(0);
		expect(JSON.parse(json.stdout)).toMatchObject({status: 'ok', numprocesses: 3});
		const missing = run(['ctl', '--endpoint', daemon.endpoint, 'stop', 'nope']);
		expect(missing.code).toBe(3);
		expect(missing.stdout + missing.stderr).toMatch(/error: program nope not found/);
		expect(run(['ctl', '--endpoint', daemon.endpoint, 'incr']).code).toBe(2);
		const nobody = run(['ctl', '--endpoint', `ipc://${tempDir()}/none.sock`, 'status']);
		expect(nobody.code).toBe(1);
		expect(nobody.stderr).toMatch(/cannot connect/);
	});
});

describe('procui daemon --detach', () => {
	it('returns once ready, survives its parent, writes its pidfile, and quits on request', async () => {
		const dir = tempDir();
		const marker = uniqueSleep();
		fs.writeFileSync(path.join(dir, 'circus.ini'), `[watcher:bg]\ncmd = sleep ${marker}\n`);
		const endpoint = `ipc://${dir}/run/p.sock`;
		const pidfile = path.join(dir, 'procui.pid');
		const started = run(['daemon', 'circus.ini', '--detach', '--endpoint', endpoint, '--pidfile', pidfile], {cwd: dir});
		// The detached daemon outlives this test if an expectation fails first: quit it, or kill it and its children.
		try {
			expect(started.stderr).toBe('');
			expect(started.code).toBe(0);
			expect(started.stdout).toMatch(/procui daemon started \(pid \d+\)/);
			const pid = Number(fs.readFileSync(pidfile, 'utf8'));
			expect(alive(pid)).toBe(true);
			await waitFor(() => run(['ctl', '--endpoint', endpoint, 'status']).stdout === 'bg: active\n', {what: 'bg to run'});
			const again = run(['daemon', 'circus.ini', '--detach', '--endpoint', `ipc://${dir}/run/other.sock`, '--pidfile', pidfile], {cwd: dir});
			expect(again.code).toBe(1);
			expect(again.stderr).toMatch(/already running/);
			expect(run(['ctl', '--endpoint', endpoint, 'quit']).code).toBe(0);
			await waitFor(() => !alive(pid), {what: 'the daemon to exit'});
			expect(fs.existsSync(pidfile)).toBe(false);
		} finally {
			if (fs.existsSync(pidfile)) {
				run(['ctl', '--endpoint', endpoint, 'quit']);
			}
		}
	});

	it('reports a start-up failure to the caller', () => {
		const dir = tempDir();
		fs.writeFileSync(path.join(dir, 'circus.ini'), '[watcher:bg]\ncmd = sleep 1\nnumprocesses = x\n');
		const result = run(['daemon', 'circus.ini', '--detach', '--endpoint', `ipc://${dir}/p.sock`], {cwd: dir});
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/numprocesses/);
	});
});

describe('procui logs', () => {
	let daemon: Daemon;

	afterAll(async () => {
		await daemon?.stop();
	});

	it('prints the last lines with watcher and pid, then follows live output with -f', async () => {
		daemon = await startDaemon(`[watcher:talker]\ncmd = sh -c 'i=0; while true; do i=$((i+1)); echo "line $i"; sleep 0.05; done'\n`);
		await waitFor(async () => ((await daemon.ok('logs', {name: 'talker', lines: 5})) as unknown as {lines: unknown[]}).lines.length === 5);
		const last = run(['logs', '--endpoint', daemon.endpoint, 'talker', '-n', '3', '--no-color']);
		expect(last.code).toBe(0);
		const lines = last.stdout.trim().split('\n');
		expect(lines).toHaveLength(3);
		expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d talker\.\d+ \| line \d+$/);
		const follower = childProcess.spawn(process.execPath, [cliPath, 'logs', '--endpoint', daemon.endpoint, 'talker', '-n', '1', '-f', '--json'], {stdio: ['ignore', 'pipe', 'pipe']});
		let out = '';
		follower.stdout.setEncoding('utf8');
		follower.stdout.on('data', (chunk: string) => {
			out += chunk;
		});
		const followed = await waitFor(() => {
			const parsed = out.split('\n').filter(Boolean).map((line) => JSON.parse(line) as {seq: number; text: string});
			return parsed.length >= 6 ? parsed : undefined;
		}, {what: 'six followed lines'});
		follower.kill('SIGINT');
		// Scrollback and live output join without a gap or a repeat.
		const numbers = followed.map((line) => Number(line.text.replace('line ', '')));
		expect(numbers.slice(1).every((number, index) => number === numbers[index]! + 1)).toBe(true);
		expect(await new Promise((resolve) => {
			follower.once('exit', resolve);
		})).toBe(0);
	});

	it('with -f, waits for a supervisor that went away and follows the one that comes back on the same endpoint', async () => {
		const first = await startDaemon(`[watcher:talker]\ncmd = sh -c 'echo "from the first daemon"; exec sleep 1000'\n`);
		let second: Daemon | undefined;
		const follower = childProcess.spawn(process.execPath, [cliPath, 'logs', '--endpoint', first.endpoint, 'talker', '-f', '--json'], {stdio: ['ignore', 'pipe', 'pipe']});
		try {
			let out = '';
			let errors = '';
			follower.stdout.setEncoding('utf8');
			follower.stdout.on('data', (chunk: string) => {
				out += chunk;
			});
			follower.stderr.setEncoding('utf8');
			follower.stderr.on('data', (chunk: string) => {
				errors += chunk;
			});
			const exited = new Promise<number | null>((resolve) => {
				follower.once('exit', resolve);
			});
			const texts = (): string[] => out.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as {text: string}).text);
			await waitFor(() => texts().includes('from the first daemon'), {what: 'the first daemon\'s line'});
			await first.call('quit');
			await first.exited;
			await waitFor(() => errors.includes('the supervisor went away; waiting for it to come back'), {what: 'logs to say it waits'});
			second = await startDaemon(`[watcher:talker]\ncmd = sh -c 'echo "from the second daemon"; exec sleep 1000'\n`, {dir: first.dir});
			await waitFor(() => texts().includes('from the second daemon'), {what: 'the second daemon\'s line', timeoutMs: 30_000});
			expect(texts().filter((text) => text === 'from the first daemon')).toHaveLength(1);
			expect(errors.match(/went away/g)).toHaveLength(1);
			follower.kill('SIGINT');
			expect(await exited).toBe(0);
		} finally {
			follower.kill('SIGKILL');
			await second?.stop();
			await first.stop();
		}
	});

	it('with -f, an interrupt while it waits for the supervisor to come back ends it with status 0', async () => {
		const gone = await startDaemon(`[watcher:talker]\ncmd = sh -c 'echo "ready"; exec sleep 1000'\n`);
		const follower = childProcess.spawn(process.execPath, [cliPath, 'logs', '--endpoint', gone.endpoint, '-f', '--no-color'], {stdio: ['ignore', 'pipe', 'pipe']});
		try {
			let out = '';
			follower.stdout.setEncoding('utf8');
			follower.stdout.on('data', (chunk: string) => {
				out += chunk;
			});
			let errors = '';
			follower.stderr.setEncoding('utf8');
			follower.stderr.on('data', (chunk: string) => {
				errors += chunk;
			});
			const exited = new Promise<number | null>((resolve) => {
				follower.once('exit', resolve);
			});
			await waitFor(() => out.includes('| ready'), {what: 'logs to print the scrollback'});
			await gone.call('quit');
			await waitFor(() => errors.includes('waiting for it to come back'), {what: 'logs to say it waits'});
			follower.kill('SIGINT');
			expect(await exited).toBe(0);
		} finally {
			follower.kill('SIGKILL');
			await gone.stop();
		}
	});

	it('names an unknown watcher and exits 3', async () => {
		const result = run(['logs', '--endpoint', daemon.endpoint, 'nope']);
		expect(result.code).toBe(3);
		expect(result.stderr).toMatch(/watcher 'nope' not found/);
	});
});
