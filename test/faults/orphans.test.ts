import childProcess from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {SocketClient} from '../../source/control/client.js';
import {startTime} from '../../source/io/state-file.js';
import {alive, cliPath, Leftovers, pids, pidsMatching, startDaemon, tempDir, uniqueSleep, waitFor, type Daemon} from '../helpers/daemon.js';

const started: Daemon[] = [];
const strays = new Leftovers();

afterEach(async () => {
	// The newest first: they share the folder the first one removes.
	for (const daemon of started.reverse()) {
		await daemon.stop();
	}

	started.length = 0;
	strays.killAll(true);
});

async function daemonOn(config: string, dir?: string): Promise<Daemon> {
	const daemon = await startDaemon(config, dir === undefined ? {} : {dir});
	started.push(daemon);
	return daemon;
}

async function running(daemon: Daemon, count: number): Promise<number[]> {
	return waitFor(async () => {
		const list = pids(await daemon.ok('list', {name: 'w'}));
		return list.length === count ? list : undefined;
	}, {what: `${count} processes`});
}

/** The state file beside the socket, once it lists exactly `expected`. */
async function stateLists(daemon: Daemon, expected: readonly number[]): Promise<void> {
	const file = path.join(daemon.dir, 'run', 'procui.state');
	await waitFor(() => {
		const state = JSON.parse(fs.readFileSync(file, 'utf8')) as {watchers: Record<string, {processes: Array<{pid: number}>}>};
		const listed = state.watchers.w?.processes.map((mark) => mark.pid).sort() ?? [];
		return JSON.stringify(listed) === JSON.stringify([...expected].sort());
	}, {what: `the state file to list ${expected.join(', ')}`});
}

async function killDaemon(daemon: Daemon): Promise<void> {
	daemon.process.kill('SIGKILL');
	await daemon.exited;
}

function config(marker: string, extra = ''): string {
	return `[circus]\n${extra}\n[watcher:w]\ncmd = sleep ${marker}\nnumprocesses = 2\npty = false\ngraceful_timeout = 2\n`;
}

describe('processes a daemon killed with SIGKILL left running', () => {
	it('are stopped by the next daemon before it starts fresh ones (procui.orphans = kill, the default)', async () => {
		const marker = uniqueSleep();
		const first = await daemonOn(config(marker));
		const old = await running(first, 2);
		await stateLists(first, old);
		await killDaemon(first);
		// pty = false: nothing tells them their supervisor is gone.
		expect(old.every((pid) => alive(pid))).toBe(true);
		const second = await daemonOn(config(marker), first.dir);
		const fresh = await running(second, 2);
		expect(old.filter((pid) => alive(pid))).toEqual([]);
		expect(fresh.some((pid) => old.includes(pid))).toBe(false);
		await waitFor(() => pidsMatching(marker).length === fresh.length, {what: 'the fresh processes\' exec'});
		expect(pidsMatching(marker).sort()).toEqual([...fresh].sort());
		await second.logged(new RegExp(`orphans: 2 process\\(es\\) of a previous procui \\(pid ${first.process.pid}\\) still run; stopping them`));
		await second.logged(/orphans: stopped w \d+, w \d+/);
	});

	it('a second daemon on the same endpoint is refused while the first runs, even with its socket file removed', async () => {
		const marker = uniqueSleep();
		const first = await daemonOn(config(marker));
		const old = await running(first, 2);
		await stateLists(first, old);
		fs.rmSync(path.join(first.dir, 'run', 'procui.sock'));
		await expect(daemonOn(config(marker), first.dir)).rejects.toThrow(new RegExp(`exited with 1: .*procui ${first.process.pid} is running and supervises with this state file \\(${first.dir}/run/procui\\.state\\); a second supervisor would run its watchers twice`));
		// Nothing ran twice, and the first still has its processes.
		expect(pidsMatching(marker).sort()).toEqual([...old].sort());
		expect(old.every((pid) => alive(pid))).toBe(true);
	});

	it('a second daemon on the same endpoint is refused and leaves the first one\'s socket alone', async () => {
		const marker = uniqueSleep();
		const first = await daemonOn(config(marker));
		const old = await running(first, 2);
		await stateLists(first, old);
		const second = childProcess.spawnSync(process.execPath, [cliPath, 'daemon', path.join(first.dir, 'circus.ini'), '--endpoint', first.endpoint], {cwd: first.dir, encoding: 'utf8', timeout: 20_000});
		expect(second.status).toBe(1);
		expect(second.stderr).toMatch(/a second supervisor would run its watchers twice/);
		expect(fs.existsSync(path.join(first.dir, 'run', 'procui.sock'))).toBe(true);
		const client = await SocketClient.connect(first.endpoint);
		try {
			expect(pids(await client.call('list', {name: 'w'})).sort()).toEqual([...old].sort());
		} finally {
			await client.close();
		}
	});

	it('with --detach, the parent says how long the start waits for them, then that the daemon started', async () => {
		const marker = uniqueSleep();
		const stubborn = `[watcher:w]\ncmd = sh -c 'trap "" TERM; exec sleep ${marker}'\nnumprocesses = 1\npty = false\ngraceful_timeout = 1\n`;
		const first = await daemonOn(stubborn);
		const old = await running(first, 1);
		await stateLists(first, old);
		await killDaemon(first);
		const detached = childProcess.spawnSync(process.execPath, [cliPath, 'daemon', path.join(first.dir, 'circus.ini'), '--detach', '--endpoint', first.endpoint], {cwd: first.dir, encoding: 'utf8', timeout: 30_000});
		expect(detached.stderr).toBe('procui: stopping 1 process(es) a previous procui left running (up to 6 s)\n');
		expect(detached.stdout).toMatch(/^procui daemon started \(pid \d+\), control endpoint /);
		expect(detached.status).toBe(0);
		const daemon = Number(/pid (\d+)/.exec(detached.stdout)![1]);
		const client = await SocketClient.connect(first.endpoint);
		try {
			expect(old.filter((pid) => alive(pid))).toEqual([]);
			await waitFor(async () => pids(await client.call('list', {name: 'w'})).length === 1, {what: 'a fresh process'});
			await client.call('quit');
		} finally {
			await client.close();
		}

		await waitFor(() => !alive(daemon), {what: 'the detached daemon to quit'});
	});

	it('are logged and left alone with procui.orphans = warn', async () => {
		const marker = uniqueSleep();
		const first = await daemonOn(config(marker, 'procui.orphans = warn'));
		const old = await running(first, 2);
		for (const pid of old) {
			strays.add(pid);
		}

		await stateLists(first, old);
		await killDaemon(first);
		const second = await daemonOn(config(marker, 'procui.orphans = warn'), first.dir);
		const fresh = await running(second, 2);
		expect(old.every((pid) => alive(pid))).toBe(true);
		// The fresh ones may still be in their exec (an empty /proc/PID/cmdline for a moment).
		await waitFor(() => pidsMatching(marker).length === 4, {what: 'the two old and two fresh processes, all running'});
		expect(old.every((pid) => alive(pid))).toBe(true);
		await second.logged(/orphans: 2 process\(es\) of a previous procui .* left alone \(procui.orphans = warn\): w \d+, w \d+/);
		expect(fresh.some((pid) => old.includes(pid))).toBe(false);
	});

	it('never touches a reused pid: same pid, another start time', async () => {
		const marker = uniqueSleep();
		const bystander = childProcess.spawn('sleep', [marker], {detached: true, stdio: 'ignore'});
		strays.add(bystander.pid!);
		const dir = tempDir();
		fs.mkdirSync(path.join(dir, 'run'), {mode: 0o700});
		const state = {version: 1, supervisor: {pid: 999_999_999, start: 1}, watchers: {w: {stopSignal: 15, gracefulTimeout: 1, processes: [{pid: bystander.pid, start: startTime(bystander.pid!)! - 1}]}}};
		fs.writeFileSync(path.join(dir, 'run', 'procui.state'), JSON.stringify(state), {mode: 0o600});
		const daemon = await daemonOn(config(uniqueSleep()), dir);
		await running(daemon, 2);
		expect(alive(bystander.pid!)).toBe(true);
		await daemon.flushLog();
		expect(daemon.stderr()).not.toMatch(/orphans:/);
	});

	it('leaves no state file after a clean quit', async () => {
		const daemon = await daemonOn(config(uniqueSleep()));
		const list = await running(daemon, 2);
		await stateLists(daemon, list);
		await daemon.ok('quit');
		await daemon.exited;
		expect(fs.existsSync(path.join(daemon.dir, 'run', 'procui.state'))).toBe(false);
	});

	it('refuses procui.orphans = adopt with a clear error', () => {
		const dir = tempDir();
		const file = path.join(dir, 'circus.ini');
		fs.writeFileSync(file, '[circus]\nprocui.orphans = adopt\n[watcher:w]\ncmd = sleep 1\n');
		const result = childProcess.spawnSync(process.execPath, [cliPath, 'check', file], {encoding: 'utf8'});
		fs.rmSync(dir, {recursive: true, force: true});
		expect(result.status).not.toBe(0);
		expect(result.stdout + result.stderr).toMatch(/circus\.ini:2: .*procui\.orphans: `adopt` is not supported yet; use `kill`/);
	});
});
