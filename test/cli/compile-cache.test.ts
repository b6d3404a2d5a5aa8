/**
procui keeps V8's compiled code between runs in a directory of its own (`procui-UID` under the
temporary one), never in one another user could write to: on any Node, ctl's bundle's code cache
(cli.tsx, runBundle), and on Node 22.1+ Node's compile cache of the ES modules too. A cache that is
not the bundle's (a rebuilt bundle, a damaged file) is never run: the bundle is compiled again.
*/
import childProcess from 'node:child_process';
import fs from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {cliPath, tempDir} from '../helpers/daemon.js';

const nodeHasCompileCache = typeof (module as {enableCompileCache?: unknown}).enableCompileCache === 'function';

/** `procui COMMAND --help` of `cli` with `tmp` as the temporary directory: ctl's loads its bundle, check's ES modules. */
function runHelp(tmp: string, command: 'ctl' | 'check', cli = cliPath): {status: number | null; stdout: string} {
	const env: NodeJS.ProcessEnv = {...process.env, TMPDIR: tmp};
	// Set, it would have Node keep a cache of its own before procui starts.
	delete env.NODE_COMPILE_CACHE;
	const run = childProcess.spawnSync(process.execPath, [cli, command, '--help'], {env, encoding: 'utf8', timeout: 60_000});
	return {status: run.status, stdout: run.stdout};
}

const runCtlHelp = (tmp: string, cli = cliPath) => runHelp(tmp, 'ctl', cli);

/** The files under `directory`'s `kind` ('compile-cache', Node's, or 'code-cache', ctl's), whatever Node's per-version folder is called. */
function cacheFiles(directory: string, kind: string): string[] {
	const cache = path.join(directory, kind);
	return fs.existsSync(cache) ? fs.readdirSync(cache, {recursive: true, encoding: 'utf8'}).filter(name => fs.statSync(path.join(cache, name)).isFile()) : [];
}

const ours = (tmp: string): string => path.join(tmp, `procui-${process.getuid!()}`);

/** ctl's code cache under `tmp`: its one file. */
function ctlCache(tmp: string): string {
	const files = cacheFiles(ours(tmp), 'code-cache');
	expect(files).toEqual([`ctl.cjs-${process.version}-${process.arch}.v8`]);
	return path.join(ours(tmp), 'code-cache', files[0]!);
}

describe('the compile cache', () => {
	it('is kept in procui\'s own directory, made private: ctl\'s on any Node, Node\'s own where it has one', () => {
		const tmp = tempDir();
		expect(runCtlHelp(tmp).status).toBe(0);
		expect(fs.statSync(ours(tmp)).mode & 0o777).toBe(0o700);
		expect(fs.statSync(ctlCache(tmp)).mode & 0o777).toBe(0o600);
		expect(runHelp(tmp, 'check').status).toBe(0);
		expect(cacheFiles(ours(tmp), 'compile-cache').length > 0).toBe(nodeHasCompileCache);
	});

	it('is not kept in a directory others can write to', () => {
		const tmp = tempDir();
		fs.mkdirSync(ours(tmp));
		fs.chmodSync(ours(tmp), 0o777);
		expect(runCtlHelp(tmp).status).toBe(0);
		expect(runHelp(tmp, 'check').status).toBe(0);
		expect(fs.readdirSync(ours(tmp))).toEqual([]);
		// Left as it was found.
		expect(fs.statSync(ours(tmp)).mode & 0o777).toBe(0o777);
	});

	it('is neither kept nor read with NODE_DISABLE_COMPILE_CACHE set', () => {
		const tmp = tempDir();
		const run = childProcess.spawnSync(process.execPath, [cliPath, 'ctl', '--help'], {env: {...process.env, TMPDIR: tmp, NODE_DISABLE_COMPILE_CACHE: '1'}, encoding: 'utf8', timeout: 60_000});
		expect(run.status).toBe(0);
		expect(fs.existsSync(ours(tmp))).toBe(false);
	});

	it('of ctl is used by the next run as it is, and one V8 rejects is made again', () => {
		const tmp = tempDir();
		const help = runCtlHelp(tmp).stdout;
		const cache = ctlCache(tmp);
		const made = fs.statSync(cache);
		// Taken: not written again.
		expect(runCtlHelp(tmp)).toEqual({status: 0, stdout: help});
		expect(fs.statSync(cache).mtimeMs).toBe(made.mtimeMs);
		expect(fs.statSync(cache).ino).toBe(made.ino);
		// The bundle's identity kept, V8's part damaged: V8 rejects it, ctl still answers, and a good one replaces it.
		const kept = fs.readFileSync(cache);
		const header = kept.subarray(0, kept.indexOf(10) + 1);
		fs.writeFileSync(cache, Buffer.concat([header, Buffer.alloc(kept.length - header.length, 0x5a)]));
		expect(runCtlHelp(tmp)).toEqual({status: 0, stdout: help});
		expect(fs.readFileSync(cache).equals(kept)).toBe(false);
		expect(fs.readFileSync(cache).subarray(0, header.length).equals(header)).toBe(true);
		expect(fs.statSync(cache).size).toBeGreaterThan(100_000);
	});

	it('of ctl is not run for a bundle changed since, even one of the same length (V8 checks no more)', () => {
		// A copy of the CLI and ctl's bundle, which need nothing else to print ctl's help.
		const tmp = tempDir();
		const dist = path.join(tmp, 'dist');
		fs.mkdirSync(path.join(dist, 'source', 'cli'), {recursive: true});
		fs.copyFileSync(cliPath, path.join(dist, 'cli.js'));
		fs.copyFileSync(path.join(path.dirname(cliPath), 'package.json'), path.join(dist, 'package.json'));
		const bundle = path.join(dist, 'source', 'cli', 'ctl.cjs');
		fs.copyFileSync(path.join(path.dirname(cliPath), 'source', 'cli', 'ctl.cjs'), bundle);
		const cli = path.join(dist, 'cli.js');
		expect(runCtlHelp(tmp, cli).stdout).toContain('control a running supervisor');
		const cache = ctlCache(tmp);
		const made = fs.readFileSync(cache);
		// The same length, another word: run from the old cache, the help would still say "running".
		fs.writeFileSync(bundle, fs.readFileSync(bundle, 'utf8').replace('control a running supervisor', 'control a RUNNING supervisor'));
		const changed = runCtlHelp(tmp, cli);
		expect(changed.status).toBe(0);
		expect(changed.stdout).toContain('control a RUNNING supervisor');
		expect(fs.readFileSync(cache).equals(made)).toBe(false);
	});
});
