/** A real `procui daemon` on a loopback TCP endpoint, and peers run as another user, for the peer-check tests. */
import childProcess, {type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {SocketClient} from '../../source/control/client.js';
import {cliPath, tempDir, waitFor} from '../helpers/daemon.js';
import {runToEnd} from '../helpers/run.js';

/** uid and gid of `nobody`: a user that owns nothing procui uses. */
export const nobody = {uid: 65_534, gid: 65_534};

export const isRoot = process.getuid?.() === 0;

export type TcpDaemon = {
	readonly dir: string;
	readonly host: string;
	readonly port: number;
	readonly process: ChildProcess;
	readonly client: SocketClient;
	stderr(): string;
	/** The daemon's `dstats` reply (`info`). */
	dstats(): Promise<Record<string, unknown>>;
	stop(): Promise<void>;
};

async function freePort(host: string): Promise<number> {
	const server = net.createServer();
	await new Promise<void>(resolve => server.listen(0, host, resolve));
	const {port} = server.address() as net.AddressInfo;
	await new Promise(resolve => server.close(resolve));
	return port;
}

/** Start the built daemon with no watchers on `tcp://host:PORT`. */
export async function startTcpDaemon(host: string, configText = '[circus]\n'): Promise<TcpDaemon> {
	const dir = tempDir('procui-tcp-');
	const configFile = path.join(dir, 'circus.ini');
	fs.writeFileSync(configFile, configText);
	const port = await freePort(host);
	const endpoint = host.includes(':') ? `tcp://[${host}]:${port}` : `tcp://${host}:${port}`;
	const child = childProcess.spawn(process.execPath, [cliPath, 'daemon', configFile, '--endpoint', endpoint, '--log-level', 'debug'], {
		cwd: dir,
		stdio: ['ignore', 'ignore', 'pipe'],
	});
	let stderr = '';
	child.stderr!.setEncoding('utf8');
	child.stderr!.on('data', (chunk: string) => {
		// Only the head and the tail matter for a failure; a flood's notes must not grow the test's memory.
		stderr = (stderr + chunk).slice(-200_000);
	});
	const exited = new Promise<void>(resolve => child.once('exit', () => {
		resolve();
	}));
	const client = await waitFor(async () => SocketClient.connect(endpoint, {timeoutMs: 60_000}), {what: `the daemon to listen on ${endpoint}`});
	return {
		dir,
		host,
		port,
		process: child,
		client,
		stderr: () => stderr,
		async dstats() {
			return (await client.call('dstats') as unknown as {info: Record<string, unknown>}).info;
		},
		async stop() {
			await client.call('quit').catch(() => undefined);
			const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
			await exited;
			clearTimeout(timer);
			await client.close();
			fs.rmSync(dir, {recursive: true, force: true});
		},
	};
}

/** Run a Node.js script as `nobody`; resolves with its stdout once it exits (rejects on a non-zero exit). */
export async function runAsNobody(script: string, args: readonly string[]): Promise<string> {
	const {code, stdout, stderr} = await runToEnd(process.execPath, ['-e', script, ...args], {...nobody, cwd: '/'});
	if (code !== 0) {
		throw new Error(`the peer run as nobody exited with ${code}: ${stderr}`);
	}

	return stdout;
}

/** Resident memory of a process, in bytes (VmRSS in /proc/PID/status). */
export function residentBytes(pid: number): number {
	const match = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
	return Number(match?.[1] ?? Number.NaN) * 1024;
}
