/**
What a command handler is: the request's properties in, the reply's fields out (or a
CommandError). One handler per command of the vocabulary (core/vocabulary.ts), in commands.ts
and the files it gathers.
*/
import type {Arbiter} from '../core/arbiter.js';
import {CommandError} from '../core/errors.js';
import type {CommandName} from '../core/vocabulary.js';
import type {Properties} from './protocol.js';
import type {StatsProvider} from './views.js';

/** A command handler: properties in, reply fields out (or a CommandError). */
export type Handler = (arbiter: Arbiter, properties: Properties, context: CommandContext) => Promise<Record<string, unknown>> | Record<string, unknown>;

export type CommandContext = {
	readonly stats: StatsProvider;
	/** Re-read the configuration file (reloadconfig, SIGHUP). */
	readonly reloadConfig: () => Promise<Record<string, unknown>>;
	/** Endpoint and other global options, for `globaloptions`. */
	readonly globalOptions: () => Record<string, unknown>;
	readonly listSockets: () => Array<Record<string, unknown>>;
};

export function stringProperty(properties: Properties, key: string, required: true): string;
export function stringProperty(properties: Properties, key: string, required?: false): string | undefined;
export function stringProperty(properties: Properties, key: string, required = false): string | undefined {
	const value = properties[key];
	if (value === undefined || value === null || value === '') {
		if (required) {
			throw new CommandError(`missing property: ${key}`, 'message');
		}

		return undefined;
	}

	if (typeof value !== 'string' && typeof value !== 'number') {
		throw new CommandError(`property ${key} must be a string, got ${JSON.stringify(value)}`, 'message');
	}

	return String(value);
}

/** Handlers for some of the vocabulary's commands. */
export type Handlers<K extends CommandName> = {readonly [Name in K]: Handler};
