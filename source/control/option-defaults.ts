/**
Option defaults a client needs: an `options` reply holds only the options the configuration set
(as written), so a client that reads one falls back on these for the rest.
*/
export {defaultGracefulTimeout} from '../config/defaults.js';
