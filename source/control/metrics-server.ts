import http from 'node:http';
import net from 'node:net';

/** Scrapes answered at once; more wait in the kernel's backlog (Prometheus scrapes one at a time). */
const maxConnections = 16;

/** A scraper that sends its request this slowly is cut off, so idle sockets cannot pile up. */
const requestTimeoutMs = 10_000;

type MetricsAddress = {
	readonly host: string;
	readonly port: number;
	/** Whether the address is reachable only from this machine. */
	readonly loopback: boolean;
};

/** `HOST:PORT`, `[IPv6]:PORT`, or a bare `PORT` (which means 127.0.0.1: never all interfaces by accident). */
export function parseMetricsAddress(text: string): MetricsAddress {
	const match = /^(?:(\[[^\]]+\]|[^:/\s[\]]+):)?(\d{1,5})$/.exec(text.trim());
	const port = Number(match?.[2]);
	if (match === null || port > 65_535) {
		throw new Error(`metrics address: expected HOST:PORT or PORT (e.g. 127.0.0.1:9108), got ${JSON.stringify(text)}`);
	}

	const host = (match[1] ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1');
	return {host, port, loopback: isLoopback(host)};
}

function isLoopback(host: string): boolean {
	if (host === 'localhost') {
		return true;
	}

	if (net.isIPv4(host)) {
		return host.startsWith('127.');
	}

	return net.isIPv6(host) && (host === '::1' || /^::ffff:127\./i.test(host));
}

/**
Serves `GET /metrics` in Prometheus's text format. Every scrape renders afresh from the live state;
nothing is cached between scrapes and no scrape waits on the scheduler.
*/
export class MetricsServer {
	readonly #server: http.Server;
	readonly #address: MetricsAddress;

	constructor(address: MetricsAddress, render: () => string) {
		this.#address = address;
		// Timeouts are checked every `connectionsCheckingInterval` (30 s by default): often enough here
		// that a connection which never finishes its request is cut off at about requestTimeoutMs.
		this.#server = http.createServer({requestTimeout: requestTimeoutMs, headersTimeout: requestTimeoutMs, connectionsCheckingInterval: 1000}, (request, response) => {
			const path = (request.url ?? '/').split('?')[0];
			if (path !== '/metrics') {
				response.writeHead(404, {'content-type': 'text/plain; charset=utf-8'}).end('not found: procui serves /metrics\n');
				return;
			}

			if (request.method !== 'GET' && request.method !== 'HEAD') {
				response.writeHead(405, {allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8'}).end('method not allowed\n');
				return;
			}

			let body: string;
			try {
				body = render();
			} catch (error) {
				response.writeHead(500, {'content-type': 'text/plain; charset=utf-8'}).end(`cannot collect metrics: ${error instanceof Error ? error.message : String(error)}\n`);
				return;
			}

			response.writeHead(200, {'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(body)});
			response.end(request.method === 'HEAD' ? undefined : body);
		});
		this.#server.maxConnections = maxConnections;
		this.#server.keepAliveTimeout = requestTimeoutMs;
	}

	/** Resolves once listening; rejects with a clear message when the address cannot be bound. */
	async listen(): Promise<void> {
		const {host, port} = this.#address;
		await new Promise<void>((resolve, reject) => {
			const onError = (error: NodeJS.ErrnoException): void => {
				reject(new Error(`cannot serve metrics on ${this.url}: ${error.code === 'EADDRINUSE' ? 'the port is in use' : error.message}`));
			};

			this.#server.once('error', onError);
			this.#server.listen({host, port}, () => {
				this.#server.off('error', onError);
				resolve();
			});
		});
	}

	/** `http://HOST:PORT/metrics`, with the real port once listening. */
	get url(): string {
		const bound = this.#server.address();
		const port = bound !== null && typeof bound === 'object' ? bound.port : this.#address.port;
		const host = this.#address.host.includes(':') ? `[${this.#address.host}]` : this.#address.host;
		return `http://${host}:${port}/metrics`;
	}

	async close(): Promise<void> {
		this.#server.closeAllConnections();
		await new Promise<void>((resolve) => {
			this.#server.close(() => {
				resolve();
			});
		});
	}
}
