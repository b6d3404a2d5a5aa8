/** Shared pieces for the control tests: a temp directory, an echo handler, a raw line client. */
import {mkdtemp, rm} from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {nowSeconds, type Reply, type Request} from '../../source/control/protocol.js';
import {ControlServer, type ControlServerOptions, type RequestHandler} from '../../source/control/server.js';

/** A fresh 0700 directory (mkdtemp's mode) and a way to remove it. */
export async function makeTempDir(): Promise<{directory: string; remove: () => Promise<void>}> {
	const directory = await mkdtemp(path.join(os.tmpdir(), 'procui-control-'));
	return {directory, remove: async () => rm(directory, {recursive: true, force: true})};
}

/**
Replies with the request it got. Two commands exist to test concurrency and failures:
`hold` answers only once `release` has arrived (on any connection; a release that arrives first,
which two connections can do, lets the next hold through), `fail` throws, `hang` never answers.
*/
export function echoHandler(): RequestHandler {
	const held: Array<() => void> = [];
	let early = 0;
	return async (request: Request): Promise<Reply> => {
		switch (request.command) {
			case 'hold': {
				if (early > 0) {
					early--;
					break;
				}

				await new Promise<void>(resolve => {
					held.push(resolve);
				});
				break;
			}

			case 'release': {
				if (held.length === 0) {
					early++;
				}

				for (const resolve of held.splice(0)) {
					resolve();
				}

				break;
			}

			case 'fail': {
				throw new Error('the handler broke');
			}

			case 'hang': {
				await new Promise(() => undefined);
				break;
			}

			default:
		}

		return {id: request.id, status: 'ok', time: nowSeconds(), command: request.command, properties: request.properties ?? {}};
	};
}

/** A listening server with the echo handler; `close` stops it. */
export async function startServer(endpoint: string, options: Partial<ControlServerOptions> = {}): Promise<ControlServer> {
	const server = new ControlServer({endpoint, handle: echoHandler(), ...options});
	await server.listen();
	return server;
}

/** A client that speaks raw lines, for what SocketClient would never send. */
export class RawClient {
	readonly socket: net.Socket;
	readonly #lines: string[] = [];
	readonly #waiters: Array<() => void> = [];
	#buffer = '';

	static async connect(server: ControlServer): Promise<RawClient> {
		const {endpoint} = server;
		const socket = endpoint.transport === 'ipc' ? net.connect({path: endpoint.path}) : net.connect({host: endpoint.host, port: endpoint.port});
		await new Promise<void>((resolve, reject) => {
			socket.once('connect', resolve);
			socket.once('error', reject);
		});
		return new RawClient(socket);
	}

	private constructor(socket: net.Socket) {
		this.socket = socket;
		socket.setEncoding('utf8');
		socket.on('data', (chunk: string) => {
			this.#buffer += chunk;
			const lines = this.#buffer.split('\n');
			this.#buffer = lines.pop() ?? '';
			this.#lines.push(...lines);
			for (const wake of this.#waiters.splice(0)) {
				wake();
			}
		});
		socket.on('close', () => {
			for (const wake of this.#waiters.splice(0)) {
				wake();
			}
		});
	}

	send(text: string): void {
		this.socket.write(text);
	}

	sendJson(message: unknown): void {
		this.send(`${JSON.stringify(message)}\n`);
	}

	/** The next message from the server; rejects if the connection closes first. */
	async next(): Promise<Record<string, unknown>> {
		while (this.#lines.length === 0) {
			if (this.socket.destroyed || this.socket.readableEnded) {
				throw new Error('the connection closed');
			}

			await new Promise<void>(resolve => {
				this.#waiters.push(resolve);
			});
		}

		return JSON.parse(this.#lines.shift()!) as Record<string, unknown>;
	}

	/** Messages until (and including) the first that `done` accepts. */
	async until(done: (message: Record<string, unknown>) => boolean): Promise<Array<Record<string, unknown>>> {
		const messages: Array<Record<string, unknown>> = [];
		for (;;) {
			const message = await this.next();
			messages.push(message);
			if (done(message)) {
				return messages;
			}
		}
	}

	/** Resolves when the server has closed the connection. */
	async closed(): Promise<void> {
		if (!this.socket.destroyed) {
			await new Promise(resolve => this.socket.once('close', resolve));
		}
	}

	destroy(): void {
		this.socket.destroy();
	}
}
