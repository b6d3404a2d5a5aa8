import childProcess from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import xterm from '@xterm/headless';
import pty from 'node-pty';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ctlCommands} from '../../source/control/ctl-args.js';
import {cliPath, startDaemon, tempDir, waitFor, type Daemon} from '../helpers/daemon.js';

/** A folder with `procui` in it (the built CLI), first in PATH, as an installed procui would be. */
const bin = tempDir('procui-completion-bin-');
fs.symlinkSync(cliPath, path.join(bin, 'procui'));
/** An empty working folder, so that file-name completion adds nothing. */
const cwd = tempDir('procui-completion-cwd-');

/** A shell the test needs; CI installs it, so a missing one fails with what to install. */
function shell(name: string): string {
	const found = [...(process.env.PATH ?? '').split(':'), '/usr/bin', '/bin'].map(dir => path.join(dir, name)).find(file => fs.existsSync(file));
	if (found === undefined) {
		throw new Error(`${name} not found: install it with \`apt-get install -y --no-install-recommends ${name}\``);
	}

	return found;
}

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	return {...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, PROCUI_ENDPOINT: 'ipc:///nonexistent/procui.sock', ...extra};
}

/** `_procui` through a real bash, given the words on the line (the last one being completed). */
function bashComplete(words: readonly string[], extra: NodeJS.ProcessEnv = {}): string[] {
	const script = [
		'source <(procui completion bash)',
		`COMP_WORDS=(${words.map(word => `'${word}'`).join(' ')})`,
		`COMP_CWORD=${words.length - 1}`,
		'_procui',
		'printf "%s\\n" "${COMPREPLY[@]}"',
	].join('\n');
	const result = childProcess.spawnSync(shell('bash'), ['--norc', '-c', script], {cwd, env: env(extra), encoding: 'utf8', timeout: 30_000});
	expect(result.stderr).toBe('');
	expect(result.status).toBe(0);
	return result.stdout.split('\n').filter(line => line !== '');
}

function fishComplete(line: string, extra: NodeJS.ProcessEnv = {}): string[] {
	const result = childProcess.spawnSync(shell('fish'), ['--no-config', '-c', `procui completion fish | source; complete -C ${JSON.stringify(line)}`], {cwd, env: env(extra), encoding: 'utf8', timeout: 30_000});
	expect(result.stderr).toBe('');
	expect(result.status).toBe(0);
	return result.stdout.split('\n').filter(entry => entry !== '').map(entry => entry.split('\t')[0]!);
}

describe('procui completion bash', () => {
	it('completes subcommands, ctl commands and their options', () => {
		expect(bashComplete(['procui', 'ct'])).toEqual(['ctl']);
		expect(bashComplete(['procui', 'ctl', 'sta'])).toEqual(['start', 'status', 'stats']);
		expect(bashComplete(['procui', 'ctl', '--json', 'sta'])).toEqual(['start', 'status', 'stats']);
		expect(bashComplete(['procui', 'ctl', 'stop', '--'])).toEqual(['--match', '--waiting', '--no-waiting']);
		expect(bashComplete(['procui', 'ctl', 'stop', '--match', ''])).toEqual(['simple', 'glob', 'regex']);
		expect(bashComplete(['procui', 'daemon', '--de'])).toEqual(['--detach']);
		expect(bashComplete(['procui', 'daemon', '--log-level', 'w'])).toEqual(['warning']);
		expect(bashComplete(['procui', 'export', ''])).toEqual(['systemd', 'procfile']);
		expect(bashComplete(['procui', 'completion', 'f'])).toEqual(['fish']);
	});

	it('offers every ctl command the control layer defines', () => {
		expect(bashComplete(['procui', 'ctl', '']).sort()).toEqual([...Object.keys(ctlCommands), 'help'].sort());
	});

	it('offers no watcher names, quietly, when no daemon is reachable', () => {
		// Quietly: nothing on stderr and status 0 (bashComplete checks both); a completion that hung
		// on the missing daemon would be killed by bashComplete's timeout and fail the same checks.
		expect(bashComplete(['procui', 'ctl', 'stop', ''])).toEqual([]);
	});
});

describe('procui completion with a running daemon', () => {
	let daemon: Daemon;
	beforeAll(async () => {
		daemon = await startDaemon('[watcher:web]\ncmd = sleep 300\n\n[watcher:worker]\ncmd = sleep 300\n\n[watcher:api]\ncmd = sleep 300\n\n[watcher:x$(touch pwned)]\ncmd = sleep 300\n\n[watcher:x*]\ncmd = sleep 300\n');
	});
	afterAll(async () => {
		await daemon?.stop();
	});

	it('bash: offers the daemon\'s watcher names where ctl and logs take one', () => {
		const extra = {PROCUI_ENDPOINT: daemon.endpoint};
		expect(bashComplete(['procui', 'ctl', 'stop', 'w'], extra)).toEqual(['web', 'worker']);
		expect(bashComplete(['procui', 'ctl', 'incr', ''], extra).sort()).toEqual(['api', 'web', 'worker', 'x$(touch pwned)', 'x*']);
		expect(bashComplete(['procui', 'logs', 'a'], extra)).toEqual(['api']);
		// After the name, nothing more to offer; and `add` names a new watcher.
		expect(bashComplete(['procui', 'ctl', 'incr', 'web', ''], extra)).toEqual([]);
		expect(bashComplete(['procui', 'ctl', 'add', ''], extra)).toEqual([]);
		// --endpoint on the line is the daemon asked.
		expect(bashComplete(['procui', 'ctl', '--endpoint', daemon.endpoint, 'stop', 'a'])).toEqual(['api']);
	});

	it('bash: a hostile watcher name is offered as written, never run or globbed', () => {
		fs.writeFileSync(path.join(cwd, 'xfile'), '');
		try {
			expect(bashComplete(['procui', 'ctl', 'stop', 'x'], {PROCUI_ENDPOINT: daemon.endpoint}).sort()).toEqual(['x$(touch pwned)', 'x*']);
			expect(fs.existsSync(path.join(cwd, 'pwned'))).toBe(false);
		} finally {
			fs.rmSync(path.join(cwd, 'xfile'));
		}
	});

	it('fish: completes subcommands, ctl commands and watcher names', () => {
		expect(fishComplete('procui ct')).toEqual(['ctl']);
		expect(fishComplete('procui ctl sta')).toEqual(['start', 'stats', 'status']);
		expect(fishComplete('procui ctl stop w', {PROCUI_ENDPOINT: daemon.endpoint})).toEqual(['web', 'worker']);
		expect(fishComplete(`procui ctl --endpoint ${daemon.endpoint} status a`)).toEqual(['api']);
		expect(fishComplete('procui ctl stop --ma')).toEqual(['--match']);
		expect(fishComplete('procui ctl stop x', {PROCUI_ENDPOINT: daemon.endpoint}).sort()).toEqual(['x$(touch pwned)', 'x*']);
		expect(fs.existsSync(path.join(cwd, 'pwned'))).toBe(false);
	});

	it('zsh: an interactive zsh completes `procui ctl sta<TAB>` and watcher names', async () => {
		const terminal = new xterm.Terminal({cols: 120, rows: 20, allowProposedApi: true});
		const zsh = pty.spawn(shell('zsh'), ['-f', '-i'], {name: 'xterm-256color', cols: 120, rows: 20, cwd, env: env({PROCUI_ENDPOINT: daemon.endpoint, PS1: '$ '}) as Record<string, string>});
		zsh.onData((data) => {
			terminal.write(data);
		});
		const screen = (): string => {
			const lines: string[] = [];
			for (let row = 0; row < terminal.rows; row++) {
				lines.push(terminal.buffer.active.getLine(row)?.translateToString(true) ?? '');
			}

			return lines.join('\n');
		};

		const waitForScreen = async (test: (text: string) => boolean, what: string): Promise<void> => {
			await waitFor(() => test(screen()), {what, timeoutMs: 30_000}).catch((error: unknown) => {
				throw new Error(`${(error as Error).message}; the screen:\n${screen()}`);
			});
		};

		try {
			zsh.write('source <(procui completion zsh); echo loaded-$?\r');
			await waitForScreen((text) => text.includes('loaded-0'), 'the zsh script to load');
			zsh.write('procui ctl sta\t');
			await waitForScreen((text) => /start\s+stats\s+status/.test(text) || /start\s+status\s+stats/.test(text), 'start, stats and status listed');
			zsh.write('\u0015procui ctl stop wo\t');
			await waitForScreen((text) => /\$ procui ctl stop worker/.test(text), 'the watcher name completed');
			zsh.write('\u0015procui ctl stop x\t');
			// zsh inserts what the two names share, quoted: `x\` (of `x\$\(touch…` and `x\*`).
			await waitForScreen((text) => /\$ procui ctl stop x\\\s*$/m.test(text), 'the hostile names\' quoted common prefix');
			expect(fs.existsSync(path.join(cwd, 'pwned'))).toBe(false);
		} finally {
			zsh.kill();
		}
	});
});

describe('procui completion', () => {
	it('refuses an unknown shell with usage, exit 2', () => {
		const result = childProcess.spawnSync(process.execPath, [cliPath, 'completion', 'powershell'], {encoding: 'utf8'});
		expect(result.status).toBe(2);
		expect(result.stderr).toMatch(/expected one of bash, zsh, fish/);
	});
});
