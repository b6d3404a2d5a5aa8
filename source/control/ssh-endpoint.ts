import {EndpointError} from './errors.js';
import {shlexQuote, shlexSplit} from './shell-words.js';

/** A supervisor on another host, reached through the system `ssh`: `ssh://[user@]host[:port][/path/to.sock]`. */
export type SshEndpoint = {
	readonly transport: 'ssh';
	/** Log in as this user; undefined = ssh's own choice (its config, then the local user). */
	readonly user?: string;
	readonly host: string;
	/** undefined = ssh's own choice (its config, then 22). */
	readonly port?: number;
	/** The control endpoint on the remote host, `ipc:///path.sock`; undefined = the remote user's default. */
	readonly remoteEndpoint?: string;
	/** As given, for messages. */
	readonly url: string;
};

/** The command that runs procui on the remote host, as the remote shell reads it. */
export const remoteCommandVariable = 'PROCUI_REMOTE_COMMAND';
/** Extra `ssh` arguments, split as a shell would: `-i ~/.ssh/deploy -o ConnectTimeout=5`. */
const sshOptionsVariable = 'PROCUI_SSH_OPTIONS';

/** Read `ssh://[user@]host[:port][/path/to.sock]`; throws an `EndpointError` saying what is wrong. */
export function parseSshEndpoint(text: string): SshEndpoint {
	const url = text.trim();
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw new EndpointError(`Expected ssh://[USER@]HOST[:PORT][/path/to.sock], got \`${text}\``);
	}

	const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
	// A host or user that starts with `-` would be read by ssh as an option (`-oProxyCommand=...`).
	if (host === '' || host.startsWith('-')) {
		throw new EndpointError(`Expected a host name in \`${text}\`: ssh://[USER@]HOST[:PORT][/path/to.sock]`);
	}

	const user = decodeURIComponent(parsed.username);
	if (user.startsWith('-') || parsed.password !== '') {
		throw new EndpointError(`Expected ssh://USER@HOST, got \`${text}\` (a password cannot be given in the URL: use a key or ssh's prompt)`);
	}

	if (parsed.search !== '' || parsed.hash !== '') {
		throw new EndpointError(`Unexpected \`${parsed.search}${parsed.hash}\` in \`${text}\`: give ssh options in $${sshOptionsVariable}`);
	}

	const socketPath = decodeURIComponent(parsed.pathname);
	return {
		transport: 'ssh',
		...(user === '' ? {} : {user}),
		host,
		...(parsed.port === '' ? {} : {port: Number(parsed.port)}),
		...(socketPath === '' || socketPath === '/' ? {} : {remoteEndpoint: `ipc://${socketPath}`}),
		url,
	};
}


/** The `ssh` argument list: options, then the host, then the remote command (`procui proxy`). */
export function sshArguments(endpoint: SshEndpoint, env: NodeJS.ProcessEnv = process.env): string[] {
	const options = shlexSplit(env[sshOptionsVariable] ?? '');
	const remote = env[remoteCommandVariable]?.trim() || 'procui';
	const command = `${remote} proxy${endpoint.remoteEndpoint === undefined ? '' : ` --endpoint ${shlexQuote(endpoint.remoteEndpoint)}`}`;
	return [
		// No terminal: the connection carries JSON lines, and without one ssh has no escape character.
		'-T',
		...options,
		...(endpoint.port === undefined ? [] : ['-p', String(endpoint.port)]),
		...(endpoint.user === undefined ? [] : ['-l', endpoint.user]),
		'--',
		endpoint.host,
		command,
	];
}
