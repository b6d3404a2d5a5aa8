import dgram from 'node:dgram';
import dns from 'node:dns';
import fs from 'node:fs';
import {createRequire} from 'node:module';
import os from 'node:os';
import {nativeAddonFile} from './native-addon.js';

/**
procui's own log to syslog, as Circus's `logoutput = syslog://…` (Python's SysLogHandler): UDP
datagrams to a host, or datagrams to a local socket (`/dev/log`). One message per line, as
glibc's syslog(3) writes it: `<PRI>Mmm dd hh:mm:ss procui[PID]: [LEVEL] message`.
Nothing here ever waits: a message the receiver has no room for is dropped and counted.
*/

/** Severity by procui's log level. */
const severities: Readonly<Record<string, number>> = {debug: 7, info: 6, warning: 4, error: 3, critical: 2};

/** UDP datagrams sent and not yet handed to the kernel, past which messages are dropped. */
const maxInflight = 1000;

/** Where to send (config/syslog-url.ts reads it from the URL) and the facility's code. */
export type SyslogTarget = {
	readonly address: {readonly kind: 'udp'; readonly host: string; readonly port: number} | {readonly kind: 'unix'; readonly path: string};
	readonly facilityCode: number;
};

type Reaper = {
	datagram(file: string): number;
	sendDatagram(fd: number, data: Buffer): number;
};

function loadReaper(): Reaper | undefined {
	const file = nativeAddonFile('procui-reaper');
	try {
		const addon = file === undefined ? undefined : createRequire(import.meta.url)(file) as Partial<Reaper>;
		return typeof addon?.datagram === 'function' && typeof addon.sendDatagram === 'function' ? addon as Reaper : undefined;
	} catch {
		return undefined;
	}
}

function errnoName(negative: number): string {
	const entry = Object.entries(os.constants.errno).find(([, value]) => value === -negative);
	return entry?.[0] ?? `errno ${-negative}`;
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 3164's timestamp, local time: `Dec  7 15:04:05`. */
function timestamp(date: Date): string {
	const pad = (value: number): string => String(value).padStart(2, '0');
	return `${months[date.getMonth()]!} ${String(date.getDate()).padStart(2, ' ')} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** Sends procui's log lines to syslog. `problem` says, once, why it cannot (then lines go nowhere: the caller falls back). */
export class SyslogSink {
	readonly #target: SyslogTarget;
	readonly #facility: number;
	#dropped = 0;
	/** UDP: the socket once the host is resolved; messages before that wait here. */
	#udp: dgram.Socket | undefined;
	#udpAddress: string | undefined;
	#waiting: Buffer[] = [];
	#inflight = 0;
	/** Unix: the connected socket's fd. */
	#fd: number | undefined;
	readonly #reaper: Reaper | undefined;
	#closed = false;

	/** Throws, saying why, when the socket cannot be made (no addon for a Unix path, or the path refuses). */
	constructor(target: SyslogTarget) {
		this.#target = target;
		this.#facility = target.facilityCode;
		const {address} = target;
		if (address.kind === 'unix') {
			this.#reaper = loadReaper();
			if (!this.#reaper) {
				throw new Error(`cannot log to ${address.path}: procui-reaper.node, which makes its socket, is missing (built by \`npm run build\` when Node's headers are installed)`);
			}

			const fd = this.#reaper.datagram(address.path);
			if (fd < 0) {
				throw new Error(`cannot log to ${address.path}: ${errnoName(fd)}`);
			}

			this.#fd = fd;
			return;
		}

		const host = address.host;
		dns.lookup(host, (error, resolved, family) => {
			if (this.#closed) {
				return;
			}

			if (error) {
				this.#dropped += this.#waiting.length;
				this.#waiting = [];
				process.stderr.write(`procui: cannot log to syslog at ${host}: ${error.message}\n`);
				return;
			}

			const socket = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
			socket.on('error', () => undefined);
			socket.unref();
			this.#udp = socket;
			this.#udpAddress = resolved;
			for (const message of this.#waiting.splice(0)) {
				this.#sendUdp(message);
			}
		});
	}

	/** Lines that could not be sent. */
	get dropped(): number {
		return this.#dropped;
	}

	send(level: string, message: string): void {
		if (this.#closed) {
			return;
		}

		const priority = this.#facility * 8 + (severities[level] ?? 6);
		const data = Buffer.from(`<${priority}>${timestamp(new Date())} procui[${process.pid}]: [${level.toUpperCase()}] ${message}`);
		if (this.#fd !== undefined) {
			this.#sendUnix(data);
		} else if (this.#udp) {
			this.#sendUdp(data);
		} else if (this.#waiting.length < maxInflight) {
			this.#waiting.push(data);
		} else {
			this.#dropped++;
		}
	}

	#sendUnix(data: Buffer): void {
		let sent = this.#reaper!.sendDatagram(this.#fd!, data);
		if (sent === -os.constants.errno.ECONNREFUSED || sent === -os.constants.errno.ENOTCONN) {
			// The log daemon was restarted and made its socket again: connect to the new one.
			const address = this.#target.address as {readonly path: string};
			const fd = this.#reaper!.datagram(address.path);
			if (fd >= 0) {
				fs.closeSync(this.#fd!);
				this.#fd = fd;
				sent = this.#reaper!.sendDatagram(fd, data);
			}
		}

		if (sent < 0) {
			this.#dropped++;
		}
	}

	#sendUdp(data: Buffer): void {
		if (this.#inflight >= maxInflight) {
			this.#dropped++;
			return;
		}

		this.#inflight++;
		const {port} = this.#target.address as {readonly port: number};
		this.#udp!.send(data, port, this.#udpAddress, (error) => {
			this.#inflight--;
			if (error) {
				this.#dropped++;
			}
		});
	}

	/** Stop; UDP datagrams on their way get up to `waitMs` to leave first. */
	async close(waitMs: number): Promise<void> {
		this.#closed = true;
		if (this.#fd !== undefined) {
			fs.closeSync(this.#fd);
			this.#fd = undefined;
		}

		const socket = this.#udp;
		this.#udp = undefined;
		if (socket) {
			const until = Date.now() + waitMs;
			while (this.#inflight > 0 && Date.now() < until) {
				await new Promise((resolve) => {
					setTimeout(resolve, 5);
				});
			}

			socket.close();
		}
	}
}
