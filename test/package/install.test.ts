/**
The package as a user gets it: `npm pack`, then `npm install -g` of the tarball into a temporary
prefix (dependencies come from the registry or npm's cache), then the installed `procui` run from
a folder that has nothing to do with the repository.
*/
import childProcess from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {repoRoot, tempDir, waitFor} from '../helpers/daemon.js';

const work = tempDir('procui-package-');
const prefix = path.join(work, 'prefix');
const cwd = path.join(work, 'elsewhere');
const installed = path.join(prefix, 'lib', 'node_modules', 'procui');
let tarball = '';
let files: string[] = [];

function run(command: string, args: readonly string[], options: {cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number} = {}): {code: number | null; stdout: string; stderr: string} {
	const result = childProcess.spawnSync(command, args, {
		cwd: options.cwd ?? cwd,
		env: {...process.env, PATH: `${path.join(prefix, 'bin')}:${process.env.PATH ?? ''}`, ...options.env},
		encoding: 'utf8',
		timeout: options.timeoutMs ?? 60_000,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	return {code: result.status, stdout: result.stdout, stderr: `${result.stderr}${result.error ? String(result.error) : ''}`};
}

beforeAll(() => {
	fs.mkdirSync(cwd, {recursive: true});
	// --ignore-scripts: pack the dist/ the suite was built with (`npm test` builds first), rather
	// than rebuilding it under the other test files that are running it.
	const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {cwd: repoRoot, timeoutMs: 120_000});
	expect(pack.code, pack.stderr).toBe(0);
	const [report] = JSON.parse(pack.stdout) as Array<{filename: string; files: Array<{path: string}>}>;
	tarball = path.join(work, report!.filename);
	files = report!.files.map(file => file.path);
	// --prefer-offline: dependencies from npm's cache when it has them (after `npm ci` it does).
	const install = run('npm', ['install', '-g', tarball, '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund'], {timeoutMs: 280_000});
	expect(install.code, install.stderr).toBe(0);
}, 420_000);

afterAll(() => {
	fs.rmSync(work, {recursive: true, force: true});
});

describe('the npm package', () => {
	it('ships the program, the C source of its helper and the examples, and no tests, benchmarks, maps or binaries', () => {
		expect(files).toContain('dist/cli.js');
		expect(files).toContain('source/io/native/procui-exec.c');
		expect(files).toContain('scripts/build-native.js');
		expect(files).toContain('examples/circus.ini');
		expect(files.filter(file => /^dist\/test\/|bench|\.test\.|\.map$|^test\//.test(file))).toEqual([]);
		expect(files).not.toContain('dist/procui-exec');
	});

	it('built its native helper at install', () => {
		expect(fs.statSync(path.join(installed, 'dist', 'procui-exec')).mode & 0o111).not.toBe(0);
	});

	it('runs --help, check, and a detached daemon from another folder', async () => {
		const help = run('procui', ['--help']);
		expect(help.code).toBe(0);
		expect(help.stdout).toContain('procui daemon');

		fs.copyFileSync(path.join(repoRoot, 'examples', 'circus.ini'), path.join(cwd, 'circus.ini'));
		const check = run('procui', ['check', 'circus.ini']);
		expect(check.stderr).toBe('');
		expect(check.stdout).toMatch(/circus\.ini: OK: 3 watchers/);

		const endpoint = `ipc://${path.join(cwd, 'run', 'procui.sock')}`;
		const detach = run('procui', ['daemon', 'circus.ini', '--detach', '--endpoint', endpoint]);
		expect(detach.code, detach.stderr).toBe(0);
		try {
			// Ready means the daemon answers; its watchers start in order after that.
			const status = await waitFor(() => {
				const reply = run('procui', ['ctl', '--endpoint', endpoint, 'status']);
				return reply.code === 0 && /^worker: active$/m.test(reply.stdout) ? reply : undefined;
			}, {what: 'worker to be active', timeoutMs: 60_000, intervalMs: 200});
			expect(status.stdout).toMatch(/^flaky: /m);
		} finally {
			const quit = run('procui', ['ctl', '--endpoint', endpoint, 'quit'], {timeoutMs: 120_000});
			expect(quit.code, quit.stderr).toBe(0);
		}
	});

	it('says what to install when its helper cannot be built for want of a C compiler', () => {
		// Only node on PATH: no cc, gcc or clang.
		const nodeOnly = tempDir('procui-no-cc-');
		fs.symlinkSync(process.execPath, path.join(nodeOnly, 'node'));
		const result = run(path.join(nodeOnly, 'node'), [path.join(installed, 'scripts', 'build-native.js')], {env: {PATH: nodeOnly, CC: ''}});
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/cannot build its native helper \(procui-exec\): no C compiler found \(tried cc, gcc, clang\)/);
		expect(result.stderr).toMatch(/apt-get install gcc/);
	});
});
