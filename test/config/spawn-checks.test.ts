import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {ConfigError, formatIssue, loadConfig} from '../../source/config/index.js';
import {environ, writeFixture} from './fixtures.js';

const missing = 'procui-no-such-program-7f3a';

/** `procui check`'s view of a file: every issue as `file:line: severity: message`, relative to its folder. */
function check(files: Readonly<Record<string, string>>, main = 'circus.ini', options: {readonly commands?: readonly string[]} = {}): string[] {
	const directory = writeFixture(files);
	const load = () => loadConfig(path.join(directory, main), {cwd: directory, environ, checkHost: true, ...options});
	try {
		return load().warnings.map(issue => formatIssue(issue, directory));
	} catch (error) {
		if (error instanceof ConfigError) {
			return error.issues.map(issue => formatIssue(issue, directory));
		}

		throw error;
	} finally {
		fs.rmSync(directory, {recursive: true, force: true});
	}
}

describe('procui check: what a spawn would meet', () => {
	// Circus's FileStream opens the file when the watcher starts, and circusd refuses to start it.
	it('makes a stream file whose folder is missing, or is a file, an error naming the watcher, the path and the errno', () => {
		expect(check({'circus.ini': '[watcher:web]\ncmd = sleep 10\nstdout_stream.filename = logs/web.out\nstderr_stream.filename = notes/web.err\npty = false\n', notes: 'a file'})).toEqual([
			expect.stringMatching(/^circus\.ini:3: error: stdout_stream\.filename: \[watcher:web\] cannot open \/.*\/logs\/web\.out: ENOENT \(its folder \/.*\/logs does not exist\)$/),
			expect.stringMatching(/^circus\.ini:4: error: stderr_stream\.filename: \[watcher:web\] cannot open \/.*\/notes\/web\.err: ENOTDIR \(its folder \/.*\/notes is not a directory\)$/),
		]);
	});

	it('takes a stream file whose folder exists, and a StdoutStream without a file', () => {
		expect(check({'circus.ini': '[watcher:web]\ncmd = sleep 10\nstdout_stream.filename = logs/web.out\nstderr_stream.class = StdoutStream\npty = false\n', 'logs/.keep': ''})).toEqual([]);
	});

	it('makes a NUL byte in cmd an error with its line', () => {
		expect(check({'circus.ini': '[watcher:w]\nnumprocesses = 1\ncmd = sleep\0 10\n'})).toEqual([
			'circus.ini:3: error: cmd: contains a NUL byte (at character 6), which no command line, path or environment variable can hold',
		]);
	});

	it('makes a NUL byte in any other option an error too', () => {
		expect(check({'circus.ini': '[watcher:w]\ncmd = sleep 10\nargs = a\0b\n'})).toEqual([
			'circus.ini:3: error: args: contains a NUL byte (at character 2), which no command line, path or environment variable can hold',
		]);
	});

	it('warns about a Unix socket path the daemon cannot bind: a missing folder, a file in the path', () => {
		expect(check({'circus.ini': '[watcher:w]\ncmd = sleep 10\n[socket:web]\npath = run/web.sock\n'})).toEqual([
			expect.stringMatching(/^circus\.ini:4: warning: path: \/.*\/run\/web\.sock: its folder does not exist; the socket cannot be bound and the daemon will not start$/),
		]);
		expect(check({'circus.ini': '[watcher:w]\ncmd = sleep 10\n[socket:web]\npath = notes/web.sock\n', notes: 'a file'})).toEqual([
			expect.stringMatching(/^circus\.ini:4: warning: path: .*: a part of its path is not a directory; /),
		]);
		expect(check({'circus.ini': '[watcher:w]\ncmd = sleep 10\n[socket:web]\npath = run/web.sock\n', 'run/.keep': ''})).toEqual([]);
	});

	it('warns about a [circus] logoutput the daemon cannot open: a missing folder, a directory, a file in the path', () => {
		expect(check({'circus.ini': '[circus]\nlogoutput = logs/procui.log\n[watcher:w]\ncmd = sleep 10\n'})).toEqual([
			expect.stringMatching(/^circus\.ini:2: warning: logoutput: cannot open \/.*\/logs\/procui\.log for writing: its directory does not exist; `procui daemon` refuses to start with it \(the full-screen UI keeps its log on screen\)$/),
		]);
		expect(check({'circus.ini': '[circus]\nlogoutput = logs\n[watcher:w]\ncmd = sleep 10\n', 'logs/.keep': ''})).toEqual([
			expect.stringMatching(/^circus\.ini:2: warning: logoutput: cannot open \/.*\/logs for writing: it is a directory; /),
		]);
		expect(check({'circus.ini': '[circus]\nlogoutput = notes/procui.log\n[watcher:w]\ncmd = sleep 10\n', notes: 'a file'})).toEqual([
			expect.stringMatching(/^circus\.ini:2: warning: logoutput: cannot open \/.*\/notes\/procui\.log for writing: a part of its path is not a directory; /),
		]);
		expect(check({'circus.ini': '[circus]\nlogoutput = logs/procui.log\n[watcher:w]\ncmd = sleep 10\n', 'logs/.keep': ''})).toEqual([]);
		expect(check({'circus.ini': '[circus]\nlogoutput = -\n[watcher:w]\ncmd = sleep 10\n'})).toEqual([]);
	});

	it('warns, with its line, about an unclosed quote that will fail every spawn: in cmd, in args, in shell_args', () => {
		expect(check({'circus.ini': '[watcher:w]\ncmd = sleep "10\n'})).toEqual([
			'circus.ini:2: warning: cmd: unclosed double quote; every spawn will fail',
		]);
		// The spawn splits cmd and args as one line: the quote is args' when cmd alone splits.
		expect(check({'circus.ini': '[watcher:w]\ncmd = sleep\nargs = \'10\n'})).toEqual([
			'circus.ini:3: warning: args: unclosed single quote; every spawn will fail',
		]);
		expect(check({'circus.ini': '[watcher:w]\ncmd = sleep 10\nshell = true\nshell_args = \'-e\n'})).toEqual([
			'circus.ini:4: warning: shell_args: unclosed single quote; every spawn will fail',
		]);
		// Quotes that close, and a cmd a shell runs (sh says what is wrong with it), are left alone.
		expect(check({'circus.ini': '[watcher:w]\ncmd = sh -c \'echo "it\'\'s" done\'\n'})).toEqual([]);
		expect(check({'circus.ini': '[watcher:w]\ncmd = echo "10\nshell = true\n'})).toEqual([]);
	});

	it('warns about a command that is not on the PATH the spawn will search, unless $(circus.*) names it', () => {
		// copy_env is off: the spawn has no PATH of its own and searches execvp's default.
		expect(check({'circus.ini': `[watcher:w]\n\ncmd = ${missing} --port 80\n`})).toEqual([
			`circus.ini:3: warning: cmd: command not found: ${missing} (searched PATH=/usr/local/bin:/usr/bin:/bin); every spawn will fail`,
		]);
		// Not a program named by $(circus.*) substitutions, resolved only at spawn time.
		expect(check({'circus.ini': '[socket:web]\nport = 0\n[watcher:w]\ncmd = ./worker-$(circus.wid) --fd $(circus.sockets.web)\nuse_sockets = true\n'})).toEqual([]);
	});

	it('searches the PATH procui runs with when copy_env is on, the watcher\'s own PATH before it, relative entries from working_dir', () => {
		expect(check({'circus.ini': `[watcher:w]\ncmd = ${missing}\ncopy_env = true\n`})).toEqual([
			`circus.ini:2: warning: cmd: command not found: ${missing} (searched PATH=/usr/bin:/bin); every spawn will fail`,
		]);
		expect(check({'circus.ini': `[watcher:w]\ncmd = ${missing}\nenv = PATH=/opt/nothing\n`})).toEqual([
			`circus.ini:2: warning: cmd: command not found: ${missing} (searched PATH=/opt/nothing); every spawn will fail`,
		]);
		expect(check({'circus.ini': '[watcher:w]\ncmd = tool\nenv = PATH=bin\n', 'bin/tool': '#!/bin/sh\n'})).toEqual([
			'circus.ini:2: warning: cmd: command not found: tool (searched PATH=bin); every spawn will fail',
		]);
		// Found on a relative PATH entry and by a relative path, both from working_dir, as the spawn finds them.
		const files = {'circus.ini': '[watcher:a]\ncmd = tool\nenv = PATH=bin\n[watcher:b]\ncmd = ./bin/tool --x\n', 'bin/tool': '#!/bin/sh\n'};
		const directory = writeFixture(files);
		fs.chmodSync(path.join(directory, 'bin/tool'), 0o755);
		const config = loadConfig(path.join(directory, 'circus.ini'), {cwd: directory, environ, checkHost: true});
		expect(config.warnings).toEqual([]);
	});

	it('finds a program in a virtualenv\'s bin, which the spawn puts first on PATH', () => {
		const files = {
			'circus.ini': '[watcher:w]\ncmd = gunicorn app\ncopy_env = true\nvirtualenv = venv\n',
			'venv/bin/gunicorn': '#!/bin/sh\n',
			'venv/lib/python3.11/site-packages/.keep': '',
		};
		const directory = writeFixture(files);
		const load = () => loadConfig(path.join(directory, 'circus.ini'), {cwd: directory, environ, checkHost: true}).warnings.map(issue => issue.message);
		expect(load()).toEqual([`cmd: command not found: gunicorn (searched PATH=${path.join(directory, 'venv/bin')}:/usr/bin:/bin); every spawn will fail`]);
		fs.chmodSync(path.join(directory, 'venv/bin/gunicorn'), 0o755);
		expect(load()).toEqual([]);
	});

	it('warns about a relative program missing from working_dir, or one that is not executable', () => {
		expect(check({'circus.ini': '[watcher:w]\ncmd = ./bin/server\n'})).toEqual([
			expect.stringMatching(/^circus\.ini:2: warning: cmd: \.\/bin\/server does not exist \(in \/.+\); every spawn will fail$/),
		]);
		expect(check({'circus.ini': '[watcher:w]\ncmd = ./run.sh\n', 'run.sh': 'echo\n'})).toEqual([
			expect.stringMatching(/^circus\.ini:2: warning: cmd: \.\/run\.sh is not executable \(in \/.+\); every spawn will fail$/),
		]);
	});

	it('checks `executable` instead of the first word when it is set', () => {
		expect(check({'circus.ini': `[watcher:w]\ncmd = sleep 10\nexecutable = /usr/bin/${missing}\n`})).toEqual([
			`circus.ini:3: warning: executable: /usr/bin/${missing} does not exist; every spawn will fail`,
		]);
	});

	it('with shell = true, checks a plain first word and leaves builtins, assignments and expansions to the shell', () => {
		expect(check({'circus.ini': `[watcher:w]\nshell = true\ncmd = ${missing} --x | tee out\n`})).toEqual([
			`circus.ini:3: warning: cmd: command not found: ${missing} (searched PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin); every spawn will fail`,
		]);
		// The shell runs, not `executable`.
		expect(check({'circus.ini': `[watcher:w]\nshell = true\ncmd = sleep 1\nexecutable = /nonexistent/${missing}\n`})).toEqual([]);
		for (const cmd of ['cd /tmp && ls', 'FOO=1 server', 'exec sleep 10', '$HOME/bin/x', '`which x`', 'ulimit -n 10; x']) {
			expect(check({'circus.ini': `[watcher:w]\nshell = true\ncmd = ${cmd}\n`}), cmd).toEqual([]);
		}
	});

	it('warns about a working_dir that does not exist, and not about the command then', () => {
		expect(check({'circus.ini': `[watcher:w]\ncmd = ${missing}\nworking_dir = /nonexistent/procui-dir\n`})).toEqual([
			'circus.ini:3: warning: working_dir: /nonexistent/procui-dir does not exist; every spawn will fail until it exists',
		]);
		expect(check({'circus.ini': '[watcher:w]\ncmd = sleep 1\nworking_dir = /etc/hostname\n'})).toEqual([
			'circus.ini:3: warning: working_dir: /etc/hostname is not a directory; every spawn will fail until it exists',
		]);
	});

	it('warns about an unknown uid or gid, not about a number', () => {
		expect(check({'circus.ini': '[watcher:w]\ncmd = sleep 1\nuid = procui-nobody-xyz\ngid = procui-nogroup-xyz\n'})).toEqual([
			'circus.ini:3: warning: uid: no user "procui-nobody-xyz" in /etc/passwd; every spawn will fail until there is one (or give a number)',
			'circus.ini:4: warning: gid: no group "procui-nogroup-xyz" in /etc/group; every spawn will fail until there is one (or give a number)',
		]);
		expect(check({'circus.ini': '[watcher:w]\ncmd = sleep 1\nuid = 54321\ngid = root\n'})).toEqual([]);
	});

	it('checks a Procfile\'s commands with their lines, and -c commands', () => {
		expect(check({Procfile: `web: sleep 10\nworker: ${missing} run\n`}, 'Procfile')).toEqual([
			`Procfile:2: warning: cmd: command not found: ${missing} (searched PATH=/usr/bin:/bin); every spawn will fail`,
		]);
		expect(check({'circus.ini': '[watcher:w]\ncmd = sleep 1\n'}, 'circus.ini', {commands: [`${missing} --x`]})).toEqual([
			`<command line>: warning: cmd: command not found: ${missing} (searched PATH=/usr/bin:/bin); every spawn will fail`,
		]);
	});

	it('looks at the machine only for a config about to run (check, daemon, reloadconfig), not for add and set', () => {
		const directory = writeFixture({'circus.ini': `[watcher:w]\ncmd = ${missing}\nworking_dir = /nonexistent\n`});
		const load = (checkHost: boolean) => loadConfig(path.join(directory, 'circus.ini'), {cwd: directory, environ, checkHost}).warnings.map(issue => issue.message);
		expect(load(true)).toEqual(['working_dir: /nonexistent does not exist; every spawn will fail until it exists']);
		expect(load(false)).toEqual([]);
	});
});
