/**
On Node 22.1+, procui keeps V8's compiled code between runs in a directory of its own (`procui-UID`
under the temporary one), never in one another user could write to; Node 20 has no such cache, and
procui then creates nothing.
*/
import childProcess from 'node:child_process';
import fs from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {cliPath, tempDir} from '../helpers/daemon.js';

const nodeHasCompileCache = typeof (module as {enableCompileCache?: unknown}).enableCompileCache === 'function';

/** `procui ctl --help` (it loads ctl's modules and meow) with `tmp` as the temporary directory; its exit status. */
function runCtlHelp(tmp: string): number | null {
	const env: NodeJS.ProcessEnv = {...process.env, TMPDIR: tmp};
	// Set, it would have Node keep a cache of its own before procui starts.
	delete env.NODE_COMPILE_CACHE;
	return childProcess.spawnSync(process.execPath, [cliPath, 'ctl', '--help'], {env, stdio: 'ignore', timeout: 60_000}).status;
}

/** The files of the compile cache under `directory`, whatever Node's per-version folder is called. */
function cacheFiles(directory: string): string[] {
	const cache = path.join(directory, 'compile-cache');
	return fs.existsSync(cache) ? fs.readdirSync(cache, {recursive: true, encoding: 'utf8'}).filter(name => fs.statSync(path.join(cache, name)).isFile()) : [];
}

describe('the compile cache', () => {
	const ours = (tmp: string): string => path.join(tmp, `procui-${process.getuid!()}`);

	it(nodeHasCompileCache ? 'is kept in procui\'s own directory, made private' : 'is not made on a Node without one', () => {
		const tmp = tempDir();
		expect(runCtlHelp(tmp)).toBe(0);
		if (nodeHasCompileCache) {
			expect(fs.statSync(ours(tmp)).mode & 0o777).toBe(0o700);
			expect(cacheFiles(ours(tmp)).length).toBeGreaterThan(0);
		} else {
			expect(fs.existsSync(ours(tmp))).toBe(false);
		}
	});

	it('is not kept in a directory others can write to', () => {
		const tmp = tempDir();
		fs.mkdirSync(ours(tmp));
		fs.chmodSync(ours(tmp), 0o777);
		expect(runCtlHelp(tmp)).toBe(0);
		expect(cacheFiles(ours(tmp))).toEqual([]);
		// Left as it was found.
		expect(fs.statSync(ours(tmp)).mode & 0o777).toBe(0o777);
	});
});
