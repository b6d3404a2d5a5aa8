/** The config layer's public API: load a configuration, report its issues, compare two. */
export {fromCommands} from './ad-hoc.js';
export {loadCircusIni, type LoadOptions} from './circus-ini.js';
export {diffConfigs, type ConfigDiff} from './diff.js';
export {ConfigError, formatIssue, formatOrigin} from './issues.js';
export {defaultConfigNames, detectFormat, findDefaultConfig, loadConfig, type LoadConfigOptions} from './load.js';
export {loadProcfile} from './procfile.js';
export {resolveSpawnTemplate, type SpawnContext} from './substitute.js';
export type * from './types.js';
