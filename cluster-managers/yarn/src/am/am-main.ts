#!/usr/bin/env node
import { readCredentialsFile, tokenOfKind } from '../ipc/credentials-file.js';
import { parseContainerId, attemptIdString } from '../ipc/yarn-ids.js';
import { ApplicationMaster } from './application-master.js';
import { AM_SPEC_ENV, decodeAmSpec } from './am-spec.js';

/** kindling-yarn-am: the ApplicationMaster process the RM starts in the AM container. */
async function main(): Promise<number> {
  const spec = decodeAmSpec(process.env[AM_SPEC_ENV]);
  const tokenFile = process.env['HADOOP_TOKEN_FILE_LOCATION'];
  if (!tokenFile) throw new Error('HADOOP_TOKEN_FILE_LOCATION is not set: the NodeManager did not hand this AM its AMRMToken');
  const token = tokenOfKind(readCredentialsFile(tokenFile), 'YARN_AM_RM_TOKEN', tokenFile);
  const attempt = attemptIdString(parseContainerId(process.env['CONTAINER_ID'] ?? '').appAttemptId);
  const am = new ApplicationMaster(spec, token, process.env['KINDLING_AUTH_SECRET'], attempt);
  return (await am.run()) === 'APP_SUCCEEDED' ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`kindling-yarn-am: ${e.stack ?? e.message}`);
    process.exit(1);
  },
);
