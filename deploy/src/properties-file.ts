// The parser lives in core so that daemons (kindling-master, kindling-worker) read the same format.
export { parseProperties, loadPropertiesFile } from '@kindling/core/cluster-manager';
