import os from 'node:os';
import path from 'node:path';
import {EndpointError} from './errors.js';

/** A Unix socket endpoint: `ipc:///run/user/1000/procui/procui.sock`. */
type IpcEndpoint = {
	readonly transport: 'ipc';
	/** Absolute path of the socket file. */
	readonly path: string;
	/** The endpoint written out, as it appears in messages and `--endpoint`. */
	readonly url: string;
};

/** A TCP endpoint on loopback: `tcp://127.0.0.1:5555`, `tcp://[::1]:5555`. */
type TcpEndpoint = {
	readonly transport: 'tcp';
	/** A loopback address: `127.x.x.x` or `::1` (`localhost` is read as `127.0.0.1`). */
	readonly host: string;
	/** The port; 0 asks the server for any free port (the listening server reports the real one). */
	readonly port: number;
	/** The endpoint written out, as it appears in messages and `--endpoint`. */
	readonly url: string;
};

export type Endpoint = IpcEndpoint | TcpEndpoint;

/** The environment variable that overrides the default endpoint, as `CIRCUSCTL_ENDPOINT` does for circusctl. */
const endpointVariable = 'PROCUI_ENDPOINT';

/** Longest Unix socket path Linux accepts: `sun_path` is 108 bytes including the terminating NUL. */
const maxSocketPathBytes = 107;

const examples = 'use ipc:///absolute/path.sock or tcp://127.0.0.1:PORT';

/** An `ssh://` endpoint (source/control/ssh-endpoint.ts reads it): told apart here, so a client loads the ssh transport only for one. */
export function isSshUrl(text: string): boolean {
	return /^ssh:\/\//i.test(text.trim());
}

/** What is wrong with `--endpoint TEXT` (a server's: ipc:// or tcp://), or undefined when nothing is (or none was given). */
export function endpointError(text: string | undefined): string | undefined {
	if (text === undefined) {
		return undefined;
	}

	try {
		parseEndpoint(text);
		return undefined;
	} catch (error) {
		if (error instanceof EndpointError) {
			return `--endpoint: ${error.message}`;
		}

		throw error;
	}
}

/** Read an endpoint such as `ipc:///tmp/x/procui.sock` or `tcp://127.0.0.1:5555`; throws an `EndpointError` saying what is wrong. */
export function parseEndpoint(text: string): Endpoint {
	const match = /^([a-z]+):\/\/(.*)$/i.exec(text.trim());
	if (!match) {
		throw new EndpointError(`Expected an endpoint like ipc:///path/procui.sock or tcp://127.0.0.1:5555, got \`${text}\``);
	}

	const scheme = match[1].toLowerCase();
	const rest = match[2];
	if (scheme === 'ipc') {
		return ipcEndpoint(rest, text);
	}

	if (scheme === 'tcp') {
		return tcpEndpoint(rest, text);
	}

	throw new EndpointError(`Unsupported endpoint scheme \`${scheme}\` in \`${text}\`: ${examples}`);
}

/** An `ipc://` endpoint for a socket path. */
function ipcEndpoint(socketPath: string, original = `ipc://${socketPath}`): IpcEndpoint {
	if (!path.isAbsolute(socketPath)) {
		throw new EndpointError(`The socket path in \`${original}\` must be absolute (ipc:///dir/procui.sock has three slashes)`);
	}

	const bytes = Buffer.byteLength(socketPath);
	if (bytes > maxSocketPathBytes) {
		throw new EndpointError(`The socket path in \`${original}\` is ${bytes} bytes; a Unix socket path can have at most ${maxSocketPathBytes}: choose a shorter one`);
	}

	const normalized = path.normalize(socketPath);
	return {transport: 'ipc', path: normalized, url: `ipc://${normalized}`};
}

function tcpEndpoint(rest: string, original: string): TcpEndpoint {
	const match = /^(\[[^\]]*\]|[^:/[\]]*):(\d{1,5})\/?$/.exec(rest);
	if (!match) {
		throw new EndpointError(`Expected tcp://HOST:PORT, got \`${original}\``);
	}

	const port = Number(match[2]);
	if (port > 65_535) {
		throw new EndpointError(`Expected a port from 0 to 65535 in \`${original}\`, got \`${match[2]}\``);
	}

	const host = loopbackHost(match[1]);
	if (host === undefined) {
		throw new EndpointError(`Refusing \`${original}\`: the control channel is loopback-only (anyone who can reach it can run commands). Use tcp://127.0.0.1:${port}, tcp://[::1]:${port} or an ipc:// endpoint`);
	}

	return tcpEndpointOf(host, port);
}

/** A `tcp://` endpoint for a loopback host and port. */
export function tcpEndpointOf(host: string, port: number): TcpEndpoint {
	const url = host.includes(':') ? `tcp://[${host}]:${port}` : `tcp://${host}:${port}`;
	return {transport: 'tcp', host, port, url};
}

/** The address to use for a loopback host name, or undefined if it is not loopback. */
function loopbackHost(host: string): string | undefined {
	const lower = host.toLowerCase();
	if (lower === 'localhost') {
		// Pinned to IPv4: `localhost` may resolve to ::1 or 127.0.0.1 depending on the resolver,
		// and server and client must agree.
		return '127.0.0.1';
	}

	if (lower === '[::1]' || lower === '[0:0:0:0:0:0:0:1]') {
		return '::1';
	}

	const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(lower);
	if (octets && octets.slice(1).every(octet => Number(octet) <= 255)) {
		return lower;
	}

	return undefined;
}

/** The endpoint to use when none is given: `$PROCUI_ENDPOINT`, else a per-user Unix socket
(`$XDG_RUNTIME_DIR/procui/procui.sock`, else `<tmpdir>/procui-<uid>/procui.sock`). */
export function defaultEndpoint(env: NodeJS.ProcessEnv = process.env): Endpoint {
	const override = env[endpointVariable];
	if (override !== undefined && override.trim() !== '') {
		try {
			return parseEndpoint(override);
		} catch (error) {
			throw error instanceof EndpointError ? new EndpointError(`${endpointVariable}: ${error.message}`) : error;
		}
	}

	return ipcEndpoint(path.join(runtimeDirectory(env), 'procui.sock'));
}

/** procui's per-user folder for what it keeps while it runs (the default socket, a TCP daemon's
state file): `$XDG_RUNTIME_DIR/procui`, else `<tmpdir>/procui-<uid>`. Never a folder every user
can write. */
export function runtimeDirectory(env: NodeJS.ProcessEnv = process.env): string {
	const runtime = env.XDG_RUNTIME_DIR;
	if (runtime !== undefined && path.isAbsolute(runtime)) {
		return path.join(runtime, 'procui');
	}

	return path.join(os.tmpdir(), `procui-${currentUid()}`);
}

/** This process's uid (procui runs on POSIX systems, where `process.getuid` exists). */
export function currentUid(): number {
	return process.getuid?.() ?? os.userInfo().uid;
}

/** Accept either form wherever an endpoint is wanted. */
export function toEndpoint(endpoint: Endpoint | string): Endpoint {
	return typeof endpoint === 'string' ? parseEndpoint(endpoint) : endpoint;
}
