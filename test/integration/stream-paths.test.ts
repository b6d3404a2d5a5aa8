import childProcess from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {cliPath, startDaemon, stopAndClean, tempDir, waitFor, type Daemon} from '../helpers/daemon.js';

let daemon: Daemon | undefined;
const cleanups: Array<() => void> = [];

afterEach(async () => {
	await stopAndClean(daemon, cleanups);
	daemon = undefined;
});

const isRoot = process.getuid?.() === 0;
const nobody = {uid: 65_534, gid: 65_534};

/** Run a command as another user: the attacker, who may write the shared directory. */
function asNobody(command: string, args: readonly string[]): void {
	const result = childProcess.spawnSync(command, args, {...nobody, encoding: 'utf8'});
	if (result.status !== 0) {
		throw new Error(`${command} ${args.join(' ')} as nobody failed: ${result.stderr}`);
	}
}

describe('stream files in a directory every user can write (mode 1777)', () => {
	it.skipIf(!isRoot)('follows no symlink into a root-owned file, writes no file owned by someone else, and says so in the log and in check', async () => {
		const base = tempDir('procui-paths-');
		cleanups.push(() => fs.rmSync(base, {recursive: true, force: true}));
		fs.chmodSync(base, 0o755);
		const shared = path.join(base, 'shared');
		fs.mkdirSync(shared);
		fs.chmodSync(shared, 0o1777);
		// The victim: a root-owned 0600 file outside the shared directory.
		const secret = path.join(base, 'secret');
		fs.writeFileSync(secret, 'root only\n', {mode: 0o600});
		// The attacker plants a link where the watcher's log will be, and a file of their own for the other.
		const linked = path.join(shared, 'linked.log');
		const owned = path.join(shared, 'owned.log');
		asNobody('ln', ['-s', secret, linked]);
		asNobody('touch', [owned]);

		const config = `
[watcher:linked]
cmd = sh -c 'while :; do echo linked output; sleep 0.05; done'
pty = false
stdout_stream.class = FileStream
stdout_stream.filename = ${linked}

[watcher:owned]
cmd = sh -c 'while :; do echo owned output; sleep 0.05; done'
pty = false
stdout_stream.class = FileStream
stdout_stream.filename = ${owned}
`;
		// `check` sees it before anything runs: a warning with file:line and the reason.
		const configFile = path.join(base, 'circus.ini');
		fs.writeFileSync(configFile, config);
		const check = childProcess.spawnSync(process.execPath, [cliPath, 'check', configFile], {cwd: base, encoding: 'utf8'});
		expect(check.stderr).toMatch(/circus\.ini:2: warning: \[watcher:linked\] stdout_stream\.filename: .*linked\.log is a symbolic link in .*shared, which other users can write \(mode 1777/);
		expect(check.stderr).toMatch(/circus\.ini:8: warning: \[watcher:owned\] stdout_stream\.filename: .*owned\.log is owned by uid 65534, not by the watcher's user \(uid 0\)/);

		daemon = await startDaemon(config);
		await waitFor(() => /linked: stdout_stream: cannot write .*linked\.log: refused: .*is a symbolic link in .*which other users can write/.test(daemon!.stderr()), {what: 'the refusal of the link'});
		await waitFor(() => /owned: stdout_stream: cannot write .*owned\.log: refused: .*is owned by uid 65534, not by the watcher's user \(uid 0\)/.test(daemon!.stderr()), {what: 'the refusal of the other user\'s file'});
		// Both keep running and keep being refused: still nothing written where it must not be.
		await waitFor(async () => {
			const info = (await daemon!.ok('dstats')) as unknown as {info: {streams: Array<{watcher: string; lost_lines: number}>}};
			return info.info.streams.filter((row) => row.lost_lines > 5).length === 2;
		}, {what: 'both streams to count their refused lines'});
		expect(fs.readFileSync(secret, 'utf8')).toBe('root only\n');
		expect(fs.lstatSync(linked).isSymbolicLink()).toBe(true);
		expect(fs.statSync(owned).size).toBe(0);
		await daemon.flushLog();
		expect(daemon.stderr()).not.toMatch(/internal error/);
	}, 60_000);

	it.skipIf(!isRoot)('writes as before to the watcher\'s own file there', async () => {
		const shared = tempDir('procui-paths-');
		cleanups.push(() => fs.rmSync(shared, {recursive: true, force: true}));
		fs.chmodSync(shared, 0o1777);
		const log = path.join(shared, 'mine.log');
		daemon = await startDaemon(`
[watcher:mine]
cmd = sh -c 'echo hello; sleep 1000'
pty = false
stdout_stream.class = FileStream
stdout_stream.filename = ${log}
`);
		await waitFor(() => fs.existsSync(log) && fs.readFileSync(log, 'utf8') === 'hello\n', {what: 'the line in the file'});
		expect(fs.statSync(log).uid).toBe(0);
	}, 60_000);
});
