import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
Every test's temporary folders (some 1,500 a run: configurations, daemons' folders, stream files)
go into one folder of the run's own, removed when the run ends, so that running the suite often
does not fill the machine's /tmp. Set `PROCUI_KEEP_TEST_FILES=1` to keep it (its path is printed).
Tests reach it as `os.tmpdir()`, and so do the daemons and programs they start (TMPDIR).
*/
export default function setup(): () => void {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'procui-tests-'));
	// As /tmp is: tests that run a daemon as another user make folders here that it must reach.
	fs.chmodSync(root, 0o1777);
	const previous = process.env.TMPDIR;
	process.env.TMPDIR = root;
	return () => {
		if (previous === undefined) {
			delete process.env.TMPDIR;
		} else {
			process.env.TMPDIR = previous;
		}

		if (process.env.PROCUI_KEEP_TEST_FILES) {
			process.stdout.write(`the tests' temporary files are kept in ${root}\n`);
			return;
		}

		fs.rmSync(root, {recursive: true, force: true, maxRetries: 3});
	};
}
