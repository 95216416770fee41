// `npm start`: runs the bundled gateway (dist/bundle/main.js) in this same process (one Node
// start-up, and signals reach the gateway directly), after building it if it is missing or older
// than src/.
import { build, staleBuild } from './built.mjs';

const reason = staleBuild();
if (reason) build(reason);
await import('../dist/bundle/main.js');
