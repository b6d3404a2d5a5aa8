import {execFileSync, spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {ProcSampler, type ProcInfo} from '../../source/io/proc-stats.js';
import {waitFor} from '../helpers/daemon.js';

const children: ChildProcess[] = [];

/** Start a child in its own process group, so afterEach can kill it and its descendants. */
async function start(command: string, args: string[]): Promise<number> {
	const child = spawn(command, args, {detached: true, stdio: 'ignore'});
	children.push(child);
	await once(child, 'spawn');
	return child.pid!;
}

afterEach(async () => {
	for (const child of children.splice(0)) {
		if (child.exitCode === null && child.signalCode === null) {
			const exited = once(child, 'exit');
			try {
				process.kill(-child.pid!, 'SIGKILL');
			} catch {
				child.kill('SIGKILL');
			}

			await exited;
		}
	}
});

/** Sample every 100 ms until `check` passes or the deadline is reached; return the last info. */
async function sampleUntil(
	sampler: ProcSampler,
	pid: number,
	check: (info: ProcInfo | undefined) => boolean,
	deadline = 15_000,
): Promise<ProcInfo | undefined> {
	const end = Date.now() + deadline;
	let info = sampler.sample([pid]).get(pid);
	while (!check(info) && Date.now() < end) {
		await new Promise(resolve => setTimeout(resolve, 100));
		info = sampler.sample([pid]).get(pid);
	}

	return info;
}

describe('ProcSampler', () => {
	test('describes a sleeping child', async () => {
		const pid = await start('sleep', ['100']);
		// Wait for the exec: right after fork the child is still a copy of node.
		const info = await sampleUntil(new ProcSampler(), pid, found => found?.cmdline === 'sleep');
		expect(info).toMatchObject({
			pid,
			ppid: process.pid,
			name: 'sleep',
			cmdline: 'sleep',
			argv: ['sleep', '100'],
			uid: os.userInfo().uid,
			username: os.userInfo().username,
			nice: new ProcSampler().selfInfo()!.nice,
			children: [],
		});
		expect(info!.rss).toBeGreaterThan(0);
		expect(info!.vms).toBeGreaterThanOrEqual(info!.rss);
		expect(info!.mem).toBeGreaterThan(0);
		expect(Math.abs(info!.createTime - Date.now() / 1000)).toBeLessThan(60);
		expect(info!.age).toBeGreaterThanOrEqual(0);
	});

	test('reports 0 % CPU on the first sample of a process', async () => {
		const pid = await start('sh', ['-c', 'while :; do :; done']);
		expect(new ProcSampler().sample([pid]).get(pid)?.cpu).toBe(0);
	});

	// A busy loop gets a core on a quiet machine and a share of one on a loaded machine: the
	// sampler must see real use, not a particular share (that is the bench's business).
	test('shows a busy process using CPU', async () => {
		const pid = await start('sh', ['-c', 'while :; do :; done']);
		const info = await sampleUntil(new ProcSampler(), pid, found => (found?.cpu ?? 0) > 5);
		expect(info?.cpu).toBeGreaterThan(5);
	});

	test('shows a sleeping process using almost no CPU over the same window', async () => {
		const busy = await start('sh', ['-c', 'while :; do :; done']);
		const idle = await start('sleep', ['100']);
		const sampler = new ProcSampler();
		const end = Date.now() + 15_000;
		let infos = sampler.sample([busy, idle]);
		while ((infos.get(busy)?.cpu ?? 0) <= 5 && Date.now() < end) {
			await new Promise(resolve => setTimeout(resolve, 100));
			infos = sampler.sample([busy, idle]);
		}

		expect(infos.get(busy)?.cpu).toBeGreaterThan(5);
		expect(infos.get(idle)?.cpu).toBeLessThan(1);
	});

	test('lists all descendants as children', async () => {
		const pid = await start('sh', ['-c', 'sleep 100 & sleep 100 & wait']);
		const info = await sampleUntil(new ProcSampler(), pid, found => found?.children.length === 2);
		expect(info?.children).toHaveLength(2);
		// Each is sh's fork until it execs sleep: wait for both programs, as a loaded machine may be slow to run them.
		const grandchildren = await waitFor(() => {
			const sampled = new ProcSampler().sample(info!.children);
			return [...sampled.values()].every(child => child.cmdline === 'sleep') ? sampled : undefined;
		}, {what: 'both children to run sleep'});
		expect([...grandchildren.values()].map(child => [child.ppid, child.cmdline])).toEqual([
			[pid, 'sleep'],
			[pid, 'sleep'],
		]);
	});

	test('includes grandchildren in children', async () => {
		const pid = await start('sh', ['-c', 'sh -c "sleep 100; :" & wait']);
		const info = await sampleUntil(new ProcSampler(), pid, found => found?.children.length === 2);
		expect(info?.children).toHaveLength(2);
	});

	test('leaves out a pid that does not exist', () => {
		const sampler = new ProcSampler();
		const missing = 2 ** 22 + 1; // Above Linux's pid_max limit.
		expect(sampler.sample([missing, process.pid]).has(missing)).toBe(false);
	});

	test('leaves out a process that has exited and been reaped', async () => {
		const pid = await start('true', []);
		await once(children.at(-1)!, 'exit');
		expect(new ProcSampler().sample([pid]).size).toBe(0);
	});

	test('returns an empty map for no pids', () => {
		expect(new ProcSampler().sample([]).size).toBe(0);
	});

	test('usage() gives the same CPU time and RSS as a full sample, for the pids asked only, without disturbing CPU %', async () => {
		const busy = await start('sh', ['-c', 'while :; do :; done']);
		const sampler = new ProcSampler();
		sampler.sample([busy]);
		// Some CPU time used since that sample, for the CPU % of the next one: read from /proc directly.
		const ticks = (): number => {
			const stat = fs.readFileSync(`/proc/${busy}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			return Number(fields[11]) + Number(fields[12]);
		};

		const before = ticks();
		await waitFor(() => ticks() >= before + 5, {what: 'the busy process to use 5 clock ticks of CPU'});
		const usage = sampler.usage([busy, 999_999_999]);
		expect([...usage.keys()]).toEqual([busy]);
		const full = sampler.sample([busy]).get(busy)!;
		expect(full.cpu).toBeGreaterThan(0);
		expect(usage.get(busy)!.cpuTime).toBeGreaterThan(0);
		expect(usage.get(busy)!.cpuTime).toBeLessThanOrEqual(full.cpuTime);
		expect(Math.abs(usage.get(busy)!.rss - full.rss)).toBeLessThan(1024 * 1024);
	});

	test('describes the supervisor itself', () => {
		const info = new ProcSampler().selfInfo();
		expect(info).toMatchObject({pid: process.pid, name: expect.any(String), children: []});
		expect(info!.rss).toBeGreaterThan(0);
	});
});

describe('a sampler that rescans every rescanMs', () => {
	test('keeps the parent map between scans, and rescans at once when asked', async () => {
		// A shell that starts a child for every line it reads.
		const child = spawn('sh', ['-c', 'while read line; do sleep 1000 & done'], {detached: true, stdio: ['pipe', 'ignore', 'ignore']});
		children.push(child);
		await once(child, 'spawn');
		const pid = child.pid!;
		const sampler = new ProcSampler({rescanMs: 3_600_000});
		expect(sampler.sample([pid]).get(pid)?.children).toEqual([]);

		child.stdin!.write('one\n');
		const kid = await waitFor(() => fs.readdirSync('/proc').filter((name) => /^\d+$/u.test(name)).map(Number).find((candidate) => {
			try {
				return fs.readFileSync(`/proc/${candidate}/stat`, 'latin1').split(') ')[1]!.split(' ')[1] === String(pid);
			} catch {
				return false;
			}
		}), {what: 'the shell\'s child'});
		// Between scans: the CPU and memory are read again, the parent map is the last scan's.
		const between = sampler.sample([pid]).get(pid);
		expect(between?.children).toEqual([]);
		expect(between?.cmdline).toBe('sh');
		// A sampler that always scans, and this one asked to, see the child.
		expect(new ProcSampler().sample([pid]).get(pid)?.children).toEqual([kid]);
		expect(sampler.sample([pid], {rescan: true}).get(pid)?.children).toEqual([kid]);
		child.stdin!.end();
	});
});

describe('children', () => {
	test('a child started by a thread other than the main one is found', async () => {
		// Python starts `sleep` from a second thread, which stays alive (a child is listed under
		// the thread that forked it, and moves to another thread only when that one exits).
		const script = 'import subprocess, threading, time\nthreading.Thread(target=lambda: (subprocess.Popen(["sleep", "100"]), time.sleep(100)), daemon=True).start()\ntime.sleep(100)';
		const pid = await start('python3', ['-c', script]);
		// Python's own start-up may run short-lived children from its main thread: wait for the
		// state the test is about, read from /proc directly: the main thread with no child, the
		// other thread with `sleep`.
		const listOf = (tid: string): number[] => fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);
		const sleeper = await waitFor(() => {
			const tasks = fs.readdirSync(`/proc/${pid}/task`);
			const others = tasks.filter((tid) => tid !== String(pid)).flatMap((tid) => listOf(tid));
			const onOther = others.find((kid) => fs.readFileSync(`/proc/${kid}/comm`, 'utf8').trim() === 'sleep');
			return tasks.length > 1 && listOf(String(pid)).length === 0 && others.length === 1 ? onOther : undefined;
		}, {what: 'sleep, a child of python\'s second thread'});
		const info = new ProcSampler().sample([pid]).get(pid);
		expect(info!.threads).toBeGreaterThan(1);
		expect(info!.children).toEqual([sleeper]);
		expect(fs.readFileSync(`/proc/${sleeper}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]).toBe(String(pid));
	});

	/**
	A /proc of three processes: 100 with a child 101 (which has a child 102), and 103, whose `stat`
	names 100 as its parent but which no children list has (the kernel's lists are what is read,
	when there are any). `childrenFiles`: whether the tasks' children lists exist; with them, 999's
	`stat` is a FIFO nobody writes, so a scan of every process would block for ever.
	*/
	function fakeProc(childrenFiles: boolean): string {
		const root = fs.mkdtempSync(path.join(os.tmpdir(), 'procui-fake-proc-'));
		fs.writeFileSync(path.join(root, 'meminfo'), 'MemTotal:       1000000 kB\n');
		fs.writeFileSync(path.join(root, 'stat'), 'cpu  1 2 3 4\nbtime 1700000000\n');
		const processes: Array<[number, number, string]> = [[process.pid, 1, ''], [100, 1, '101 '], [101, 100, '102 '], [102, 101, ''], [103, 100, '']];
		for (const [pid, ppid, kids] of processes) {
			const directory = path.join(root, String(pid));
			fs.mkdirSync(directory);
			fs.writeFileSync(path.join(directory, 'stat'), `${pid} (fake) S ${ppid} ${pid} ${pid} 0 -1 0 0 0 0 0 5 5 0 0 20 0 1 0 100 1000 10 0\n`);
			fs.writeFileSync(path.join(directory, 'statm'), '250 10 5 1 0 50 0\n');
			fs.writeFileSync(path.join(directory, 'status'), 'Name:\tfake\nUid:\t0\t0\t0\t0\n');
			fs.writeFileSync(path.join(directory, 'cmdline'), 'fake\0');
			if (childrenFiles) {
				fs.mkdirSync(path.join(directory, 'task', String(pid)), {recursive: true});
				fs.writeFileSync(path.join(directory, 'task', String(pid), 'children'), kids);
			}
		}

		if (childrenFiles) {
			fs.mkdirSync(path.join(root, '999'));
			execFileSync('mkfifo', [path.join(root, '999', 'stat')]);
		}

		fakeRoots.push(root);
		return root;
	}

	const fakeRoots: string[] = [];
	afterEach(() => {
		for (const root of fakeRoots.splice(0)) {
			fs.rmSync(root, {recursive: true, force: true});
		}
	});

	test('reads the kernel\'s children lists, not every process\'s parent', () => {
		const sampler = new ProcSampler({procRoot: fakeProc(true), passwdFile: '/dev/null'});
		expect(sampler.sample([100]).get(100)?.children).toEqual([101, 102]);
	});

	test('without children lists (a kernel built without them), every process\'s parent', () => {
		const sampler = new ProcSampler({procRoot: fakeProc(false), passwdFile: '/dev/null'});
		expect(sampler.sample([100]).get(100)?.children).toEqual([101, 103, 102]);
	});
});
