/**
PM2 as a bench peer: a PM2_HOME of its own in a fresh folder (never ~/.pm2), an ecosystem file
declaring every app stopped (`autostart: false`), registered by `pm2 start` (which also starts the
daemon, "God"); then driven over the daemon's RPC socket (axon's req/rep framing, as PM2's own
client speaks it), with the calls `pm2 start NAME`, `pm2 stop NAME` and `pm2 status` make. The
figures are God's: it spawns, watches, restarts and logs.
*/
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {killDaemonTree, makeTempDir} from './bench-daemon.js';
import {isProcess, PeerProcesses, peerStartTimeoutMs, runPeerCli, type PeerDaemon, type PeerProgram} from './peer-daemon.js';

/** An app of the ecosystem file, in PM2's own option names. */
export type Pm2App = Readonly<Record<string, string | number | boolean | readonly string[]>>;

/** A PM2 restart of a process that lived shorter than `min_uptime` (at least 100 ms) is "unstable"; after `max_restarts` of them PM2 gives up. Neither may stop W3's churn. */
const neverGiveUp = 1_000_000_000;

/** The ecosystem file's apps for `programs`: fork mode, no interpreter, no back-off, stdout into its file unchanged. */
export function pm2Ecosystem(dir: string, programs: readonly PeerProgram[]): {apps: Pm2App[]} {
	return {
		apps: programs.map(program => {
			if (program.argv.length === 0) {
				throw new Error(`ecosystem: app ${program.name} has an empty command`);
			}

			return {
				name: program.name,
				script: program.argv[0]!,
				args: program.argv.slice(1),
				interpreter: 'none',
				exec_mode: 'fork',
				instances: program.count,
				cwd: dir,
				autostart: false,
				autorestart: program.restart,
				restart_delay: 0,
				min_uptime: 100,
				max_restarts: neverGiveUp,
				out_file: program.logFile ?? '/dev/null',
				error_file: '/dev/null',
				// One file for all instances, written as it comes: no `-ID` suffix, no time stamps.
				merge_logs: true,
				time: false,
				vizion: false,
				kill_timeout: 5000,
			};
		}),
	};
}

/** axon's message framing: a byte of version 1 and argument count, then each argument as a 32-bit length and `j:JSON` or `s:string`. */
export function encodeAxon(args: ReadonlyArray<string | object>): Buffer {
	const parts = args.map(argument => Buffer.from(typeof argument === 'string' ? `s:${argument}` : `j:${JSON.stringify(argument)}`));
	const message = Buffer.alloc(1 + parts.reduce((total, part) => total + 4 + part.length, 0));
	message[0] = (1 << 4) | parts.length;
	let offset = 1;
	for (const part of parts) {
		message.writeUInt32BE(part.length, offset);
		part.copy(message, offset + 4);
		offset += 4 + part.length;
	}

	return message;
}

/** The whole messages at the start of `data`, decoded, and the bytes left over (a message not yet complete). */
export function decodeAxon(data: Buffer): {messages: unknown[][]; rest: Buffer} {
	const messages: unknown[][] = [];
	let offset = 0;
	for (;;) {
		if (offset >= data.length) {
			break;
		}

		const count = data[offset]! & 0x0F;
		const args: unknown[] = [];
		let cursor = offset + 1;
		for (let index = 0; index < count && cursor !== -1; index++) {
			if (cursor + 4 > data.length) {
				cursor = -1;
				break;
			}

			const length = data.readUInt32BE(cursor);
			if (cursor + 4 + length > data.length) {
				cursor = -1;
				break;
			}

			const text = data.toString('utf8', cursor + 4, cursor + 4 + length);
			args.push(text.startsWith('j:') ? JSON.parse(text.slice(2)) as unknown : text.startsWith('s:') ? text.slice(2) : text);
			cursor += 4 + length;
		}

		if (cursor === -1) {
			break;
		}

		messages.push(args);
		offset = cursor;
	}

	return {messages, rest: data.subarray(offset)};
}

/** PM2's RPC on one connection: `{type: 'call', method, args}` and an id out, `{args}` or `{error}` and the id back. */
class AxonRpcClient {
	readonly #socket: net.Socket;
	readonly #pending = new Map<string, {resolve: (args: unknown[]) => void; reject: (error: Error) => void}>();
	#next = 0;
	#buffer: Buffer = Buffer.alloc(0);

	private constructor(socket: net.Socket) {
		this.#socket = socket;
		socket.on('data', (chunk: Buffer) => {
			const {messages, rest} = decodeAxon(Buffer.concat([this.#buffer, chunk]));
			this.#buffer = rest;
			for (const message of messages) {
				const id = message.at(-1);
				const reply = message[0] as {args?: unknown[]; error?: unknown} | undefined;
				const waiter = typeof id === 'string' ? this.#pending.get(id) : undefined;
				if (!waiter) {
					continue;
				}

				this.#pending.delete(id as string);
				if (reply?.error !== undefined) {
					waiter.reject(new Error(`PM2: ${typeof reply.error === 'string' ? reply.error : JSON.stringify(reply.error)}`));
				} else {
					waiter.resolve(reply?.args ?? []);
				}
			}
		});
		socket.on('close', () => {
			for (const waiter of this.#pending.values()) {
				waiter.reject(new Error('PM2 closed its RPC socket'));
			}

			this.#pending.clear();
		});
		socket.on('error', () => undefined);
	}

	static async connect(socketPath: string): Promise<AxonRpcClient> {
		const socket = net.createConnection(socketPath);
		await new Promise<void>((resolve, reject) => {
			socket.once('connect', resolve);
			socket.once('error', reject);
		});
		return new AxonRpcClient(socket);
	}

	/** Call `method`; the reply's arguments after the error slot. */
	async call(method: string, ...args: readonly unknown[]): Promise<unknown[]> {
		const id = `procui-bench:${this.#next++}`;
		return new Promise<unknown[]>((resolve, reject) => {
			this.#pending.set(id, {resolve, reject});
			this.#socket.write(encodeAxon([{type: 'call', method, args}, id]));
		});
	}

	close(): void {
		this.#socket.destroy();
	}
}

type MonitorEntry = {readonly pm_id: number; readonly name: string};

export async function startPm2(cliFile: string, programs: readonly PeerProgram[]): Promise<PeerDaemon> {
	const dir = makeTempDir('procui-bench-pm2-');
	const home = path.join(dir, 'home');
	const ecosystem = path.join(dir, 'ecosystem.json');
	fs.writeFileSync(ecosystem, `${JSON.stringify(pm2Ecosystem(dir, programs), undefined, '\t')}\n`);
	// PM2_HOME: sockets, pid file and logs of this peer only. No update check: the bench needs no network.
	const env = {...process.env, PM2_HOME: home, PM2_DISABLE_VERSION_CHECK: 'true'};
	const processes = new PeerProcesses();
	const godPid = (): number | undefined => {
		let pid: number;
		try {
			pid = Number(fs.readFileSync(path.join(home, 'pm2.pid'), 'utf8').trim());
		} catch {
			return undefined;
		}

		return Number.isInteger(pid) && pid > 0 && isProcess(pid, 'PM2') ? pid : undefined;
	};

	let client: AxonRpcClient | undefined;
	const close = async (): Promise<void> => {
		client?.close();
		await processes.close();
		fs.rmSync(dir, {recursive: true, force: true});
	};

	let pid: number;
	const ids = new Map<string, number[]>();
	try {
		try {
			// The CLI starts God detached: if the CLI fails or the bench is stopped meanwhile, God is found by its pid file.
			await runPeerCli({file: cliFile, args: ['start', ecosystem], env}, peerStartTimeoutMs, () => {
				const started = godPid();
				if (started !== undefined) {
					killDaemonTree(started);
				}
			});
		} finally {
			const found = godPid();
			if (found !== undefined) {
				processes.watch(found, () => !isProcess(found, 'PM2'));
			}
		}

		const found = godPid();
		if (found === undefined) {
			throw new Error(`pm2 start ${ecosystem} left no daemon (no live pid in ${path.join(home, 'pm2.pid')})`);
		}

		pid = found;
		client = await AxonRpcClient.connect(path.join(home, 'rpc.sock'));
		const [list] = await client.call('getMonitorData', {}) as [MonitorEntry[]];
		for (const entry of list) {
			ids.set(entry.name, [...ids.get(entry.name) ?? [], entry.pm_id]);
		}

		for (const program of programs) {
			if ((ids.get(program.name)?.length ?? 0) !== program.count) {
				throw new Error(`PM2 registered ${ids.get(program.name)?.length ?? 0} processes of ${program.name}, not ${program.count}`);
			}
		}
	} catch (error) {
		await close();
		throw error;
	}

	const rpc = client;
	const each = async (program: string, call: (id: number) => Promise<unknown>): Promise<void> => {
		const of = ids.get(program);
		if (!of) {
			throw new Error(`PM2 has no app ${program}`);
		}

		// All at once on the one connection: God handles them in turn.
		await Promise.all(of.map(async id => call(id)));
	};

	let closed: Promise<void> | undefined;
	return {
		name: 'pm2',
		label: 'PM2',
		pid,
		dir,
		async start(program) {
			// As `pm2 start NAME` starts a stopped app: restartProcessId, here with `autostart` turned on (the app was declared with it off, and startProcessId alone keeps it off).
			await each(program, async id => rpc.call('restartProcessId', {id, env: {current_conf: {autostart: true}}}));
		},
		async stop(program) {
			// Each reply comes once its process is gone.
			await each(program, async id => rpc.call('stopProcessId', id));
		},
		async status() {
			await rpc.call('getMonitorData', {});
		},
		statusCommand: {file: cliFile, args: ['status'], env},
		adopt(childPid) {
			processes.adopt(childPid);
		},
		async close() {
			closed ??= close();
			await closed;
		},
	};
}
