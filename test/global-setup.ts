import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
Every test's temporary folders (some 1,500 a run: configurations, daemons' folders, stream files)
go into one folder of the run's own, removed when the run ends, so that running the suite often
does not fill the machine's /tmp. Set `PROCUI_KEEP_TEST_FILES=1` to keep it (its path is printed).
Tests reach it as `os.tmpdir()`, and so do the daemons and programs they start (TMPDIR).

At the end, a process still running in that folder (a daemon or a child a test started and never
stopped: its working directory is there) fails the run, after a grace of a few seconds for those
still exiting, and is killed: a test that leaks one would leave it running on every machine that
runs the suite.
*/
export default function setup(): () => Promise<void> {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'procui-tests-'));
	// As /tmp is: tests that run a daemon as another user make folders here that it must reach.
	fs.chmodSync(root, 0o1777);
	const previous = process.env.TMPDIR;
	process.env.TMPDIR = root;
	return async () => {
		if (previous === undefined) {
			delete process.env.TMPDIR;
		} else {
			process.env.TMPDIR = previous;
		}

		const deadline = Date.now() + 5000;
		let left = runningIn(root);
		while (left.length > 0 && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 100));
			left = runningIn(root);
		}

		for (const {pid} of left) {
			try {
				process.kill(pid, 'SIGKILL');
			} catch {
				// Gone meanwhile.
			}
		}

		if (process.env.PROCUI_KEEP_TEST_FILES) {
			process.stdout.write(`the tests' temporary files are kept in ${root}\n`);
		} else {
			fs.rmSync(root, {recursive: true, force: true, maxRetries: 3});
		}

		if (left.length > 0) {
			// Vitest reports an error thrown here but does not fail the run for it.
			process.exitCode = 1;
			throw new Error(`the tests left ${left.length} process(es) running (killed now): ${left.map(({pid, command}) => `${pid} ${command}`).join('; ')}`);
		}
	};
}

/** Live processes whose working directory is `root` or under it (zombies have none to read). */
function runningIn(root: string): Array<{pid: number; command: string}> {
	const found: Array<{pid: number; command: string}> = [];
	for (const name of fs.readdirSync('/proc')) {
		if (!/^\d+$/u.test(name)) {
			continue;
		}

		try {
			const cwd = fs.readlinkSync(`/proc/${name}/cwd`).replace(/ \(deleted\)$/u, '');
			if (cwd === root || cwd.startsWith(`${root}/`)) {
				found.push({pid: Number(name), command: fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()});
			}
		} catch {
			// Gone, a zombie, or not ours to read.
		}
	}

	return found;
}
