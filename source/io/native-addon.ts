import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

/**
The file of one of procui's Node-API addons (`NAME.node`, built into dist/ by
scripts/build-native.js), seen from here: this module runs from dist/source/io/ or, bundled, from
dist/source/cli/, both two folders below dist/ (and below the package's root, for a checkout
whose dist/ is beside source/). Undefined when it was not built.
*/
export function nativeAddonFile(name: string): string | undefined {
	const here = path.dirname(fileURLToPath(import.meta.url));
	return [path.resolve(here, `../../${name}.node`), path.resolve(here, `../../dist/${name}.node`)].find((candidate) => fs.existsSync(candidate));
}
