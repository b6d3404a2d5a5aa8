/**
`procui export systemd`: a configuration as systemd units. Each watcher is a template unit
`NAME@.service` run as instances 1..numprocesses; each `[socket:NAME]` a `NAME.socket` that
systemd binds and hands over as fd 3 (4, … for a watcher's next sockets), the way procui does.
systemd then does the supervising: procui is not involved once the units are installed.
*/
import path from 'node:path';
import {watcherSocketNames} from '../config/substitute.js';
import type {Config, WatcherConfig} from '../config/types.js';
import {instanceName, serviceUnit, templateName} from './systemd-service.js';
import {ExportError, socketUnit} from './systemd-socket.js';
import type {ExportFile, ExportWarning} from './unit-text.js';

export {ExportError} from './systemd-socket.js';

/** What systemd takes in a unit's name (before `@` and the suffix). */
const unitName = /^[\w.:-]+$/;

type SystemdOptions = {
	/** User units: `systemctl --user`, no User=/Group=. */
	readonly user: boolean;
	/** How to name the configuration in headers (a path relative to where procui runs). */
	readonly source: string;
};

type SystemdExport = {
	readonly files: readonly ExportFile[];
	readonly warnings: readonly ExportWarning[];
	/** Shell commands that install and start the units, once they are in place. */
	readonly enable: readonly string[];
};

/** Build every unit of `config`. Throws ExportError for what systemd cannot take at all. */
export function exportSystemd(config: Config, options: SystemdOptions): SystemdExport {
	const warnings: ExportWarning[] = [];
	const files: ExportFile[] = [];
	const socketNames = new Set(config.sockets.map(socket => socket.name));
	const socketsOf = (watcher: WatcherConfig): string[] =>
		watcherSocketNames(watcher).filter(name => socketNames.has(name)).map(name => `${name}.socket`);

	for (const watcher of config.watchers) {
		if (!unitName.test(watcher.name)) {
			throw new ExportError(`watcher ${watcher.name}: not a name systemd takes for a unit (letters, digits, and _ . : - only)`);
		}

		const after = config.watchers
			.filter(other => other.priority > watcher.priority)
			.flatMap(other => instances(other).map(wid => instanceName(other.name, wid)));
		files.push({
			name: templateName(watcher.name),
			text: serviceUnit(watcher, {user: options.user, umask: config.arbiter.umask, sockets: watcher.useSockets ? socketsOf(watcher) : [], after, source: options.source}, warnings),
		});
	}

	for (const socket of config.sockets) {
		if (!unitName.test(socket.name)) {
			throw new ExportError(`socket ${socket.name}: not a name systemd takes for a unit (letters, digits, and _ . : - only)`);
		}

		const users = config.watchers.filter(watcher => watcherSocketNames(watcher).includes(socket.name));
		// The instance a connection starts: an on_demand watcher's, else the first user's.
		const activated = users.find(watcher => watcher.onDemand) ?? users[0];
		if (activated === undefined) {
			warnings.push({origin: socket.origin, message: `socket ${socket.name}: no watcher names it ($(circus.sockets.${socket.name})); no unit written`});
			continue;
		}

		if (users.filter(watcher => watcher.onDemand).length > 1) {
			warnings.push({origin: socket.origin, message: `socket ${socket.name}: several on_demand watchers use it; a connection starts ${instanceName(activated.name, 1)} only`});
		}

		files.push({name: `${socket.name}.socket`, text: socketUnit(socket, instanceName(activated.name, 1), options.source, warnings)});
	}

	return {files, warnings, enable: enableCommands(config, options.user)};
}

function instances(watcher: WatcherConfig): number[] {
	return Array.from({length: watcher.numprocesses}, (_, index) => index + 1);
}

function enableCommands(config: Config, user: boolean): string[] {
	const systemctl = user ? 'systemctl --user' : 'systemctl';
	const units: string[] = [];
	for (const watcher of config.watchers) {
		if (watcher.onDemand || !watcher.autostart || watcher.numprocesses === 0) {
			continue;
		}

		units.push(watcher.numprocesses === 1 ? instanceName(watcher.name, 1) : `${watcher.name}@{1..${watcher.numprocesses}}.service`);
	}

	const sockets = config.sockets
		.filter(socket => config.watchers.some(watcher => watcherSocketNames(watcher).includes(socket.name)))
		.map(socket => `${socket.name}.socket`);
	const all = [...sockets, ...units];
	if (all.length === 0) {
		return [];
	}

	return [`${systemctl} daemon-reload`, `${systemctl} enable --now ${all.join(' ')}`];
}

/** Where unit files go for `systemctl` to find them. */
export function unitFolder(user: boolean): string {
	return user ? path.join('~', '.config', 'systemd', 'user') : '/etc/systemd/system';
}
