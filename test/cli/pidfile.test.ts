import childProcess, {type ChildProcess, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {writePidfile} from '../../source/cli/pidfile.js';
import {alive, cliPath, tempDir, uniqueSleep, waitFor} from '../helpers/daemon.js';

/*
A pidfile left by a daemon that was killed (or by a machine that restarted) names a pid the system
may have given to another program since. procui takes such a file over, and still refuses to start
while the file names a process that could have written it.
*/

const others: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
	for (const child of others.splice(0)) {
		child.kill('SIGKILL');
	}

	for (const dir of dirs.splice(0)) {
		fs.rmSync(dir, {recursive: true, force: true});
	}
});

/** Another program, running. */
async function another(): Promise<number> {
	const marker = uniqueSleep();
	const child = childProcess.spawn('sleep', [marker], {stdio: 'ignore'});
	others.push(child);
	await waitFor(() => fs.existsSync(`/proc/${child.pid}`) && alive(child.pid!), {what: 'the other program'});
	return child.pid!;
}

function pidfileIn(): string {
	const dir = tempDir('procui-pidfile-');
	dirs.push(dir);
	return path.join(dir, 'procui.pid');
}

/** Set the file's times `seconds` into the past. */
function age(file: string, seconds: number): void {
	const then = new Date(Date.now() - seconds * 1000);
	fs.utimesSync(file, then, then);
}

describe('the pidfile', () => {
	it('is taken over when the live process it names started after it was written, and says so', async () => {
		const pid = await another();
		const file = pidfileIn();
		fs.writeFileSync(file, `${pid}\n`);
		age(file, 30);
		const note = writePidfile(file);
		expect(fs.readFileSync(file, 'utf8')).toBe(`${process.pid}\n`);
		expect(note).toMatch(new RegExp(`named process ${pid}, which started after the file was written`));
		expect(alive(pid)).toBe(true);
	});

	it('is taken over when it was written before this boot', async () => {
		const pid = await another();
		const file = pidfileIn();
		fs.writeFileSync(file, `${pid}\n`);
		const uptime = Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
		age(file, uptime + 3600);
		expect(writePidfile(file)).toMatch(/started after the file was written/);
		expect(fs.readFileSync(file, 'utf8')).toBe(`${process.pid}\n`);
	});

	it('is refused while the live process it names started before it was written (it may be the daemon)', async () => {
		const pid = await another();
		const file = pidfileIn();
		// Written two seconds after the program started, past the comparison's slack.
		fs.writeFileSync(file, `${pid}\n`);
		const later = new Date(Date.now() + 2000);
		fs.utimesSync(file, later, later);
		expect(() => writePidfile(file)).toThrow(new RegExp(`names process ${pid}, which is running: is procui already running`));
		expect(fs.readFileSync(file, 'utf8')).toBe(`${pid}\n`);
	});

	it('is taken over without a word when the process it names is gone', async () => {
		const file = pidfileIn();
		const gone = spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim();
		fs.writeFileSync(file, `${gone}\n`);
		expect(writePidfile(file)).toBeUndefined();
		expect(fs.readFileSync(file, 'utf8')).toBe(`${process.pid}\n`);
	});

	it('left by a killed daemon, naming another program now: a detached daemon starts, logs why, and quits cleanly', async () => {
		const pid = await another();
		const file = pidfileIn();
		const dir = path.dirname(file);
		fs.writeFileSync(file, `${pid}\n`);
		age(file, 30);
		fs.writeFileSync(path.join(dir, 'circus.ini'), `[watcher:bg]\ncmd = sleep ${uniqueSleep()}\n`);
		const endpoint = `ipc://${dir}/p.sock`;
		const log = path.join(dir, 'procui.log');
		const started = spawnSync(process.execPath, [cliPath, 'daemon', 'circus.ini', '--detach', '--endpoint', endpoint, '--pidfile', file, '--log-output', log], {cwd: dir, encoding: 'utf8'});
		expect(started.stderr).toBe('');
		expect(started.status).toBe(0);
		const daemon = Number(fs.readFileSync(file, 'utf8'));
		try {
			expect(daemon).not.toBe(pid);
			expect(alive(daemon)).toBe(true);
			expect(fs.readFileSync(log, 'utf8')).toMatch(new RegExp(`pidfile .* named process ${pid}, which started after the file was written`));
		} finally {
			expect(spawnSync(process.execPath, [cliPath, 'ctl', '--endpoint', endpoint, 'quit']).status).toBe(0);
		}

		await waitFor(() => !alive(daemon), {what: 'the daemon to exit'});
		expect(fs.existsSync(file)).toBe(false);
		expect(alive(pid)).toBe(true);
	});

	it('replaces a symbolic link at its path instead of writing through it, and leaves no other file', () => {
		const file = pidfileIn();
		const victim = path.join(path.dirname(file), 'victim');
		fs.writeFileSync(victim, 'IMPORTANT\n', {mode: 0o600});
		fs.symlinkSync(victim, file);
		writePidfile(file);
		expect(fs.readFileSync(victim, 'utf8')).toBe('IMPORTANT\n');
		expect(fs.lstatSync(file).isFile()).toBe(true);
		expect(fs.readFileSync(file, 'utf8')).toBe(`${process.pid}\n`);
		expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(['procui.pid', 'victim']);
	});

	it('says which file and why it cannot be written or read', () => {
		const file = pidfileIn();
		expect(() => writePidfile(path.join(path.dirname(file), 'missing', 'x.pid'))).toThrow(/^pidfile .*missing\/x\.pid: cannot write it: its directory does not exist$/);
		fs.mkdirSync(file);
		expect(() => writePidfile(file)).toThrow(/^pidfile .*procui\.pid: cannot read it: it is a directory$/);
	});

	it('a SIGTERM the moment the pidfile is written stops the daemon as a quit does: exit 0, the file removed', async () => {
		for (let round = 0; round < 5; round++) {
			const file = pidfileIn();
			const dir = path.dirname(file);
			fs.writeFileSync(path.join(dir, 'circus.ini'), `[watcher:bg]\ncmd = sleep ${uniqueSleep()}\n`);
			const watcher = fs.watch(dir);
			const child = childProcess.spawn(process.execPath, [cliPath, 'daemon', 'circus.ini', '--endpoint', `ipc://${dir}/p.sock`, '--pidfile', file], {cwd: dir, stdio: 'ignore'});
			others.push(child);
			const exited = new Promise<number | null>((resolve) => {
				child.once('exit', (code, signal) => {
					resolve(code ?? (signal === null ? null : -1));
				});
			});
			watcher.on('change', (_event, name) => {
				if (name === 'procui.pid') {
					watcher.close();
					child.kill('SIGTERM');
				}
			});
			expect(await exited).toBe(0);
			watcher.close();
			expect(fs.existsSync(file)).toBe(false);
		}
	});
});
