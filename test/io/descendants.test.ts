import {execFileSync, spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {descendantsOutsideGroup} from '../../source/io/descendants.js';
import {waitFor} from '../helpers/daemon.js';

const started: ChildProcess[] = [];
const roots: string[] = [];

afterEach(async () => {
	for (const child of started.splice(0)) {
		for (const pid of [child.pid!, ...descendantsOutsideGroup(child.pid!)]) {
			try {
				process.kill(-pid, 'SIGKILL');
			} catch {
				// Not a group leader, or gone.
			}
		}

		if (child.exitCode === null && child.signalCode === null) {
			await once(child, 'exit');
		}
	}

	for (const root of roots.splice(0)) {
		fs.rmSync(root, {recursive: true, force: true});
	}
});

function comm(pid: number): string | undefined {
	try {
		return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
	} catch {
		return undefined;
	}
}

describe('descendants outside the process group (stop_children)', () => {
	test('a real tree: the descendant that called setsid, not the one that stayed in the group', async () => {
		const child = spawn('sh', ['-c', 'setsid sleep 100 & sleep 100 & wait'], {detached: true, stdio: 'ignore'});
		started.push(child);
		await once(child, 'spawn');
		const pid = child.pid!;
		// Both of sh's children have become `sleep`.
		const kids = await waitFor(() => {
			const list = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);
			return list.length === 2 && list.every((kid) => comm(kid) === 'sleep') ? list : undefined;
		}, {what: 'two sleeps under sh'});
		const outside = kids.filter((kid) => Number(execFileSync('ps', ['-o', 'pgid=', '-p', String(kid)], {encoding: 'utf8'}).trim()) !== pid);
		expect(outside).toHaveLength(1);
		expect(descendantsOutsideGroup(pid)).toEqual(outside);
	});

	/**
	A /proc where 200 leads its group, its child 201 stays in it and 201's child 202 left it; 203
	names 200 as its parent in its `stat` and left the group too, but no children list has it. With
	`lists`, the tasks' children lists exist, and 999's `stat` is a FIFO nobody writes: reading it
	would block for ever, so a scan of every process would hang the test.
	*/
	function fakeProc(lists: boolean): string {
		const root = fs.mkdtempSync(path.join(os.tmpdir(), 'procui-fake-proc-'));
		roots.push(root);
		const processes: Array<[number, number, number, string]> = [[process.pid, 1, process.pid, ''], [200, 1, 200, '201 '], [201, 200, 200, '202 '], [202, 201, 202, ''], [203, 200, 203, '']];
		for (const [pid, ppid, group, kids] of processes) {
			fs.mkdirSync(path.join(root, String(pid)));
			fs.writeFileSync(path.join(root, String(pid), 'stat'), `${pid} (fake) S ${ppid} ${group} ${group} 0 -1\n`);
			if (lists) {
				fs.mkdirSync(path.join(root, String(pid), 'task', String(pid)), {recursive: true});
				fs.writeFileSync(path.join(root, String(pid), 'task', String(pid), 'children'), kids);
			}
		}

		if (lists) {
			fs.mkdirSync(path.join(root, '999'));
			execFileSync('mkfifo', [path.join(root, '999', 'stat')]);
		}

		return root;
	}

	test('follows the kernel\'s children lists and reads no other process', () => {
		expect(descendantsOutsideGroup(200, fakeProc(true))).toEqual([202]);
	});

	test('without children lists, every process\'s parent', () => {
		expect(descendantsOutsideGroup(200, fakeProc(false))).toEqual([203, 202]); // Parents first: 203 is a child, 202 a grandchild.
	});
});
