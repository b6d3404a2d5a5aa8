import dgram from 'node:dgram';

/**
A statsd client as Circus's (circus/plugins/statsd.py `StatsdClient`): one UDP datagram per
metric, `bucket:value|type[|@rate]`, fire and forget. A send that fails (no listener, no route)
is dropped: metrics never hold up supervision.
*/
export class StatsdClient {
	readonly #socket = dgram.createSocket('udp4');
	readonly #host: string;
	readonly #port: number;
	readonly #prefix: string;
	readonly #sampleRate: number;

	constructor(options: {readonly host: string; readonly port: number; readonly prefix: string; readonly sampleRate: number}) {
		this.#host = options.host;
		this.#port = options.port;
		this.#prefix = options.prefix;
		this.#sampleRate = options.sampleRate;
		this.#socket.on('error', () => undefined);
		this.#socket.unref();
	}

	increment(bucket: string, delta = 1): void {
		this.#send(bucket, `${Math.trunc(delta)}|c`);
	}

	gauge(bucket: string, value: number): void {
		this.#send(bucket, `${value}|g`);
	}

	close(): void {
		try {
			this.#socket.close();
		} catch {
			// Already closed.
		}
	}

	#send(bucket: string, value: string): void {
		const rated = this.#sampleRate === 1 ? value : `${value}|@${this.#sampleRate}`;
		const message = `${this.#prefix ? `${this.#prefix}.` : ''}${bucket}:${rated}`;
		this.#socket.send(message, this.#port, this.#host, () => undefined);
	}
}
