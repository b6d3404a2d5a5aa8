import net from 'node:net';
import {defaultEndpoint, toEndpoint, type Endpoint} from '../control/endpoint.js';
import {connectErrorMessage} from '../control/client.js';
import {proxyReadyMarker, proxyUnavailableCode} from '../control/ssh-transport.js';
import {parseCommand, usageError} from './args.js';
import {proxySpec} from './command-specs.js';

/**
`procui proxy [--endpoint URL]`: the remote half of an ssh:// endpoint. Bridges stdin and stdout to
the control socket on this host, as the user ssh logged in as, so the daemon's own checks (socket
permissions, peer uid) decide as for a local client. Says it is connected with one line first, so
the client can tell a working proxy from ssh's or the shell's failures.
*/
export async function runProxy(argv: readonly string[]): Promise<number> {
	const parsed = await parseCommand(proxySpec, argv);
	if ('exit' in parsed) {
		return parsed.exit;
	}

	if (parsed.input.length > 0) {
		return usageError(proxySpec, `takes no arguments, got ${parsed.input.join(' ')}`).exit;
	}

	let endpoint: Endpoint;
	try {
		endpoint = toEndpoint(parsed.flags.endpoint ?? defaultEndpoint().url);
	} catch (error) {
		return usageError(proxySpec, error instanceof Error ? error.message : String(error)).exit;
	}

	const socket = endpoint.transport === 'ipc' ? net.connect({path: endpoint.path}) : net.connect({host: endpoint.host, port: endpoint.port});
	const connected = await new Promise<boolean>((resolve) => {
		socket.once('error', (error) => {
			process.stderr.write(`procui proxy: ${connectErrorMessage(endpoint, error)}\n`);
			resolve(false);
		});
		socket.once('connect', () => {
			resolve(true);
		});
	});
	if (!connected) {
		return proxyUnavailableCode;
	}

	socket.on('error', () => undefined);
	process.stdout.on('error', () => {
		socket.destroy();
	});
	process.stdout.write(`${JSON.stringify({[proxyReadyMarker]: true, endpoint: endpoint.url})}\n`);
	process.stdin.pipe(socket);
	socket.pipe(process.stdout);
	await new Promise<void>((resolve) => {
		socket.once('close', () => {
			resolve();
		});
	});
	// The client hung up or the supervisor went away: nothing more to carry.
	process.stdin.destroy();
	return 0;
}
