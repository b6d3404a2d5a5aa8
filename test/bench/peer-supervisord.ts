/**
supervisord as a bench peer: a supervisord.conf generated into a fresh folder (its own unix socket,
log, pid file; nothing read from /etc), run in the foreground (`-n`) as the bench's child, driven
over its XML-RPC interface on that socket, the way supervisorctl drives it.
*/
import childProcess from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {makeTempDir} from './bench-daemon.js';
import {PeerProcesses, waitFor, type PeerDaemon, type PeerProgram} from './peer-daemon.js';

/** The socket's file name in the peer's folder. */
export const supervisordSocket = 'supervisor.sock';

/** One argument as supervisord's shlex split reads it back. */
function quoteArgument(argument: string): string {
	return /^[\w@+=:,./-]+$/.test(argument) ? argument : `'${argument.replaceAll('\'', '\'"\'"\'')}'`;
}

/**
A config value: `%` is supervisord's expansion character; a `;` or `#` after white space would
start an inline comment, and a newline would end the value.
*/
function configValue(value: string, where: string): string {
	if (/\s[;#]|[\n\r]/.test(value)) {
		throw new Error(`supervisord.conf: ${where} cannot hold \`${value}\`: a ';' or '#' after white space starts a comment, and a line break ends the value`);
	}

	return value.replaceAll('%', '%%');
}

/** supervisord.conf for `programs`, with every file and the socket in `dir`. */
export function supervisordConfig(dir: string, programs: readonly PeerProgram[]): string {
	const file = (name: string): string => configValue(path.join(dir, name), 'a path');
	const lines = [
		'[unix_http_server]',
		`file = ${file(supervisordSocket)}`,
		'chmod = 0700',
		'',
		'[supervisord]',
		'nodaemon = true',
		'silent = true',
		`logfile = ${file('supervisord.log')}`,
		'logfile_maxbytes = 0',
		'loglevel = warn',
		`pidfile = ${file('supervisord.pid')}`,
		`childlogdir = ${file('.')}`,
		'',
		'[rpcinterface:supervisor]',
		'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
		'',
		'[supervisorctl]',
		`serverurl = unix://${file(supervisordSocket)}`,
	];
	for (const program of programs) {
		if (!/^[\w-]+$/.test(program.name)) {
			throw new Error(`supervisord.conf: program name \`${program.name}\` must be letters, digits, '_' or '-'`);
		}

		lines.push(
			'',
			`[program:${program.name}]`,
			`command = ${configValue(program.argv.map(argument => quoteArgument(argument)).join(' '), `program ${program.name}'s command`)}`,
			`numprocs = ${program.count}`,
			'process_name = %(program_name)s_%(process_num)d',
			'autostart = false',
			// A process is running once it is started: no `startsecs` wait, so no retries of a quick exit either.
			'startsecs = 0',
			`autorestart = ${program.restart}`,
			'stopwaitsecs = 5',
			`stdout_logfile = ${program.logFile === undefined ? 'NONE' : configValue(program.logFile, `program ${program.name}'s log file`)}`,
			'stdout_logfile_maxbytes = 0',
			'stdout_logfile_backups = 0',
			'stderr_logfile = NONE',
		);
	}

	return `${lines.join('\n')}\n`;
}

function xmlEscape(text: string): string {
	return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** An XML-RPC methodCall with string and boolean parameters. */
export function xmlRpcCall(method: string, parameters: ReadonlyArray<string | boolean>): string {
	const values = parameters.map(value => typeof value === 'boolean' ? `<boolean>${value ? 1 : 0}</boolean>` : `<string>${xmlEscape(value)}</string>`);
	return `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${values.map(value => `<param><value>${value}</value></param>`).join('')}</params></methodCall>`;
}

/** XML-RPC over supervisord's unix socket, one kept-alive connection, as supervisorctl talks to it. */
class XmlRpcClient {
	readonly #socketPath: string;
	readonly #agent = new http.Agent({keepAlive: true, maxSockets: 1});

	constructor(socketPath: string) {
		this.#socketPath = socketPath;
	}

	/** Call `method`; the response body, or an error with supervisord's fault string. */
	async call(method: string, ...parameters: ReadonlyArray<string | boolean>): Promise<string> {
		const body = xmlRpcCall(method, parameters);
		const text = await new Promise<string>((resolve, reject) => {
			const request = http.request({socketPath: this.#socketPath, path: '/RPC2', method: 'POST', agent: this.#agent, headers: {'content-type': 'text/xml', 'content-length': Buffer.byteLength(body)}}, response => {
				let data = '';
				response.setEncoding('utf8');
				response.on('data', (chunk: string) => {
					data += chunk;
				});
				response.on('end', () => {
					if (response.statusCode === 200) {
						resolve(data);
					} else {
						reject(new Error(`supervisord ${method}: HTTP ${response.statusCode}`));
					}
				});
				response.on('error', reject);
			});
			request.setTimeout(60_000, () => {
				request.destroy(new Error(`supervisord ${method}: no reply within 60 s`));
			});
			request.on('error', reject);
			request.end(body);
		});
		if (text.includes('<fault>')) {
			const reason = /<name>faultString<\/name>\s*<value>(?:<string>)?([^<]*)/.exec(text)?.[1] ?? text;
			throw new Error(`supervisord ${method} failed: ${reason}`);
		}

		return text;
	}

	close(): void {
		this.#agent.destroy();
	}
}

export async function startSupervisord(daemonFile: string, cliFile: string, programs: readonly PeerProgram[]): Promise<PeerDaemon> {
	const dir = makeTempDir('procui-bench-supervisord-');
	const config = path.join(dir, 'supervisord.conf');
	fs.writeFileSync(config, supervisordConfig(dir, programs));
	const processes = new PeerProcesses();
	// Its own process group: a Ctrl-C to the bench's terminal is the bench's to handle.
	const child = childProcess.spawn(daemonFile, ['-n', '-c', config], {cwd: dir, detached: true, stdio: ['ignore', 'ignore', 'pipe']});
	const pid = child.pid;
	if (pid === undefined) {
		fs.rmSync(dir, {recursive: true, force: true});
		throw new Error(`cannot start ${daemonFile}`);
	}

	let exited = false;
	let stderr = '';
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
		stderr = (stderr + chunk).slice(-2000);
	});
	child.once('exit', () => {
		exited = true;
	});
	processes.watch(pid, () => exited);
	const client = new XmlRpcClient(path.join(dir, supervisordSocket));
	const close = async (): Promise<void> => {
		client.close();
		await processes.close();
		fs.rmSync(dir, {recursive: true, force: true});
	};

	try {
		await waitFor(async () => fs.existsSync(path.join(dir, supervisordSocket)) && client.call('supervisor.getState').then(() => true, () => false), 'supervisord to answer on its socket', () => exited ? `it exited: ${stderr.trim()}` : undefined);
	} catch (error) {
		await close();
		throw error;
	}

	let closed: Promise<void> | undefined;
	return {
		name: 'supervisord',
		label: 'supervisord',
		pid,
		dir,
		async start(program) {
			await client.call('supervisor.startProcessGroup', program, true);
		},
		async stop(program) {
			await client.call('supervisor.stopProcessGroup', program, true);
		},
		async status() {
			await client.call('supervisor.getAllProcessInfo');
		},
		statusCommand: {file: cliFile, args: ['-c', config, 'status'], env: process.env},
		adopt(childPid) {
			processes.adopt(childPid);
		},
		async close() {
			closed ??= close();
			await closed;
		},
	};
}
