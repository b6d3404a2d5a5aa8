import fs from 'node:fs';
import path from 'node:path';
import type {IssueList} from './issues.js';
import {applyPythonEnv} from './python-env.js';
import {shlexSplit} from './shlex.js';
import type {Origin, WatcherConfig} from './types.js';

/** The PATH a spawn searches when its environment has none (execvp's default, and procui's). */
const defaultPath = '/usr/local/bin:/usr/bin:/bin';

/** The PATH /bin/sh (dash) searches when its environment has none. */
const shellDefaultPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Words a shell runs itself: no file to look for. */
const shellWords = new Set([
	'.', ':', '[', '[[', '{', '!', 'alias', 'bg', 'break', 'builtin', 'case', 'cd', 'command', 'continue', 'declare',
	'echo', 'eval', 'exec', 'exit', 'export', 'false', 'fg', 'for', 'function', 'getopts', 'hash', 'if', 'jobs',
	'kill', 'let', 'local', 'printf', 'pwd', 'read', 'readonly', 'return', 'select', 'set', 'shift', 'source',
	'test', 'time', 'times', 'trap', 'true', 'type', 'typeset', 'ulimit', 'umask', 'unalias', 'unset', 'until',
	'wait', 'while',
]);

/** The machine a spawn will run on, for `checkSpawn`'s warnings. */
export type SpawnHost = {
	/** The PATH of the environment procui runs in (what `copy_env` passes on). */
	readonly path: string | undefined;
};

/**
What a spawn of `watcher` would meet, checked when the config is read so that `procui check`
says it with the option's file:line instead of the first spawn failing:

- a NUL byte in any option is an error: no command line, path or environment can hold one;
- with `host`: a `working_dir` that does not exist (or is not a directory), a command that
  cannot be found where the spawn will look (the watcher's PATH, relative to its `working_dir`,
  as io/executable.ts `resolveExecutable` does), an unknown `uid` or `gid` are warnings, because
  the machine may change before the watcher starts (a deploy step creating the directory, a
  package installing the program).

`values` are the options as written (after `$(circus.env.X)`), `originOf` their lines.
*/
export function checkSpawn(
	watcher: WatcherConfig,
	values: Readonly<Record<string, string>>,
	originOf: (key: string) => Origin,
	host: SpawnHost | undefined,
	issues: IssueList,
): void {
	let clean = true;
	for (const [key, value] of Object.entries(values)) {
		const at = value.indexOf('\0');
		if (at !== -1) {
			clean = false;
			issues.error(originOf(key), `${key}: contains a NUL byte (at character ${at + 1}), which no command line, path or environment variable can hold`);
		}
	}

	if (host === undefined || !clean || watcher.cmd === '') {
		return;
	}

	const workingDirProblem = directoryProblem(watcher.workingDir);
	if (workingDirProblem === undefined) {
		checkCommand(watcher, originOf, host.path, issues);
	} else {
		issues.warn(originOf('working_dir'), `working_dir: ${watcher.workingDir} ${workingDirProblem}; every spawn will fail until it exists`);
	}

	checkStreamFiles(watcher, originOf, issues);
	for (const [key, file, what] of [['uid', '/etc/passwd', 'user'], ['gid', '/etc/group', 'group']] as const) {
		const name = watcher[key];
		if (name !== undefined && !/^\d+$/.test(name) && !hasEntry(file, name)) {
			issues.warn(originOf(key), `${key}: no ${what} ${JSON.stringify(name)} in ${file}; every spawn will fail until there is one (or give a number)`);
		}
	}
}

/**
A stream file whose folder is missing or cannot be written: Circus refuses to start such a watcher
(its FileStream cannot open the file), and procui would lose every line of it, so it is an error
naming the watcher, the path and the errno.
*/
function checkStreamFiles(watcher: WatcherConfig, originOf: (key: string) => Origin, issues: IssueList): void {
	for (const [option, stream] of [['stdout_stream', watcher.stdoutStream], ['stderr_stream', watcher.stderrStream]] as const) {
		if (stream?.filename === undefined || !['FileStream', 'WatchedFileStream', 'TimedRotatingFileStream'].includes(stream.class)) {
			continue;
		}

		const folder = path.dirname(stream.filename);
		const problem = directoryProblem(folder);
		const code = problem === undefined ? writeProblem(fs.existsSync(stream.filename) ? stream.filename : folder) : (problem === 'does not exist' ? 'ENOENT' : 'ENOTDIR');
		if (code !== undefined) {
			const why = problem === undefined ? `${fs.existsSync(stream.filename) ? 'the file' : `its folder ${folder}`} cannot be written` : `its folder ${folder} ${problem}`;
			issues.error(originOf(`${option}.filename`), `${option}.filename: [watcher:${watcher.name}] cannot open ${stream.filename}: ${code} (${why})`);
		}
	}
}

function writeProblem(file: string): string | undefined {
	try {
		fs.accessSync(file, fs.constants.W_OK);
		return undefined;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code ?? 'EACCES';
	}
}

/** The program the spawn would run, resolved as it would be (io/executable.ts `resolveExecutable`). */
function checkCommand(watcher: WatcherConfig, originOf: (key: string) => Origin, environPath: string | undefined, issues: IssueList): void {
	// The spawn splits these as a shell would quote them (core/spawn-plan.ts): an unclosed quote
	// fails every spawn, so say so with the line (Circus fails the same way, at each spawn).
	const split: Array<readonly [string, string | undefined]> = watcher.shell ? [['shell_args', watcher.shellArgs]] : [['cmd', watcher.args ? `${watcher.cmd} ${watcher.args}` : watcher.cmd]];
	for (const [option, line] of split) {
		const problem = line === undefined ? undefined : quoteProblem(line);
		if (problem !== undefined) {
			const origin = option === 'cmd' && watcher.args && quoteProblem(watcher.cmd) === undefined ? 'args' : option;
			issues.warn(originOf(origin), `${origin}: ${problem}; every spawn will fail`);
			return;
		}
	}

	// With `shell`, the spawn runs /bin/sh whatever `executable` says, and the shell finds the program.
	const key = watcher.executable === undefined || watcher.shell ? 'cmd' : 'executable';
	const program = key === 'executable' ? watcher.executable : firstWord(watcher.cmd, watcher.shell);
	// $(circus.wid) and $(circus.sockets.NAME) are only known at spawn time.
	if (program === undefined || program.includes('$(circus.')) {
		return;
	}

	// The PATH of the spawn's environment, built as core/spawn-plan.ts builds it.
	const env: Record<string, string> = {};
	const inherited = watcher.copyEnv ? environPath : undefined;
	if (inherited !== undefined) {
		env.PATH = inherited;
	}

	if (watcher.env.PATH !== undefined) {
		env.PATH = watcher.env.PATH;
	}

	if (watcher.python !== undefined) {
		applyPythonEnv(env, watcher.python, watcher.env);
	}

	const searchPath = env.PATH ?? (watcher.shell ? shellDefaultPath : defaultPath);
	if (program.includes('/')) {
		const file = path.resolve(watcher.workingDir, program);
		const problem = executableProblem(file);
		if (problem !== undefined) {
			issues.warn(originOf(key), `${key}: ${program} ${problem}${path.isAbsolute(program) ? '' : ` (in ${watcher.workingDir})`}; every spawn will fail`);
		}

		return;
	}

	const found = searchPath.split(':').some(directory => executableProblem(path.resolve(watcher.workingDir, directory || '.', program)) === undefined);
	if (!found) {
		issues.warn(originOf(key), `${key}: command not found: ${program} (searched PATH=${searchPath}); every spawn will fail`);
	}
}

/**
The program of a command line: its first word; with `shell`, only when that word is a plain
program name the shell would look up (not a builtin, keyword, assignment or expansion).
*/
function firstWord(cmd: string, shell: boolean): string | undefined {
	let words: string[];
	try {
		words = shlexSplit(shell ? cmd.split(/[;&|<>()\n`]/, 1)[0]! : cmd);
	} catch {
		// An unclosed quote: the spawn reports it.
		return undefined;
	}

	const word = words[0];
	if (word === undefined || !shell) {
		return word;
	}

	return shellWords.has(word) || /[$`=*?[\]{}~\\'"]/.test(word) ? undefined : word;
}

/** What stops `line` from being split into words (an unclosed quote, a trailing backslash), or undefined. */
function quoteProblem(line: string): string | undefined {
	try {
		shlexSplit(line);
		return undefined;
	} catch (error) {
		return error instanceof Error ? error.message : String(error);
	}
}

/** Why a Unix socket could not be bound at `file` (a `[socket:NAME] path`), or undefined. */
export function socketFileProblem(file: string): string | undefined {
	const folder = directoryProblem(path.dirname(file));
	if (folder !== undefined) {
		return folder === 'does not exist' ? 'its folder does not exist' : 'a part of its path is not a directory';
	}

	return writeProblem(path.dirname(file)) === undefined ? undefined : 'its folder is not writable';
}

/** Why the daemon could not open `file` to append its own log (`logoutput`), or undefined. */
export function logFileProblem(file: string): string | undefined {
	const folder = directoryProblem(path.dirname(file));
	if (folder !== undefined) {
		return folder === 'does not exist' ? 'its directory does not exist' : 'a part of its path is not a directory';
	}

	if (directoryProblem(file) === undefined) {
		return 'it is a directory';
	}

	return fs.existsSync(file) && writeProblem(file) !== undefined ? 'permission denied' : undefined;
}

function directoryProblem(directory: string): string | undefined {
	try {
		return fs.statSync(directory).isDirectory() ? undefined : 'is not a directory';
	} catch {
		return 'does not exist';
	}
}

function executableProblem(file: string): string | undefined {
	try {
		if (!fs.statSync(file).isFile()) {
			return 'is not a file';
		}

		fs.accessSync(file, fs.constants.X_OK);
		return undefined;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EACCES' ? 'is not executable' : 'does not exist';
	}
}

/** Does the colon-separated database `file` (/etc/passwd, /etc/group) have an entry `name`? */
function hasEntry(file: string, name: string): boolean {
	try {
		return fs.readFileSync(file, 'utf8').split('\n').some(line => line.split(':')[0] === name);
	} catch {
		// No database (a minimal container): nothing to say.
		return true;
	}
}
