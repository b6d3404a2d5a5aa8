#!/usr/bin/env node
// `npm run chaos -- --minutes N [--seed S]`: the chaos scenario (test/scenarios/chaos.test.ts) for
// longer than CI runs it (60 s), or again with the seed a run printed.
import {spawnSync} from 'node:child_process';
import process from 'node:process';

const args = process.argv.slice(2);
const env = {...process.env};
for (let index = 0; index < args.length; index++) {
	const given = args[index];
	const [flag, inline] = given.split('=', 2);
	const value = inline ?? args[++index];
	if (flag === '--minutes' && Number(value) > 0) {
		env.CHAOS_SECONDS = String(Math.round(Number(value) * 60));
	} else if (flag === '--seed' && /^\d+$/.test(value ?? '')) {
		env.CHAOS_SEED = value;
	} else {
		console.error(`usage: npm run chaos -- [--minutes N] [--seed S]   (got ${JSON.stringify(given)})`);
		process.exit(2);
	}
}

const result = spawnSync('npx', ['vitest', 'run', '--config', 'test/vitest.config.ts', 'test/scenarios/chaos.test.ts'], {stdio: 'inherit', env});
process.exit(result.status ?? 1);
