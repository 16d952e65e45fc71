import { YarnError } from '../yarn-errors.js';
import { entryMap } from './lenient-json.js';

/** A file the NodeManager downloads (and for ARCHIVE, unpacks) into the container's directory. */
export interface LocalResource {
  /** file:///abs/path or hdfs://nn:8020/path */
  url: string;
  type: 'ARCHIVE' | 'FILE' | 'PATTERN';
  visibility: 'PUBLIC' | 'PRIVATE' | 'APPLICATION';
  /** Must equal the file's size and mtime (ms) exactly, or the NM refuses it ("changed on src filesystem"). */
  size: number;
  timestamp: number;
}

export interface AppSubmission {
  applicationId: string;
  name: string;
  queue: string;
  /** AM container: memory (heap + overhead) in MiB and vCores. */
  memoryMiB: number;
  vCores: number;
  maxAppAttempts: number;
  tags: string[];
  localResources: Record<string, LocalResource>;
  environment: Record<string, string>;
  /** One shell line; the NM pastes it unquoted into bash -c "...", so build it with shellLine(). */
  command: string;
  applicationType?: string;
}

/** The JSON body of POST /ws/v1/cluster/apps (RM REST docs, "Cluster Applications API (Submit Application)"). */
export function submissionBody(s: AppSubmission): Record<string, unknown> {
  return {
    'application-id': s.applicationId,
    'application-name': s.name,
    queue: s.queue,
    'am-container-spec': {
      'local-resources': entryMap(
        Object.fromEntries(
          Object.entries(s.localResources).map(([k, r]) => [k, { resource: r.url, type: r.type, visibility: r.visibility, size: r.size, timestamp: r.timestamp }]),
        ),
      ),
      environment: entryMap(s.environment),
      commands: { command: s.command },
    },
    'unmanaged-AM': false,
    'max-app-attempts': s.maxAppAttempts,
    resource: { memory: s.memoryMiB, vCores: s.vCores },
    'application-type': s.applicationType ?? 'KINDLING',
    'keep-containers-across-application-attempts': false,
    'application-tags': { tag: s.tags },
  };
}

/**
 * One word of a container command. The NodeManager writes the command unescaped into
 * `exec /bin/bash -c "<command>"`, so a word may contain neither `"`, `$`, `` ` ``, `\` nor `'`
 * (each would be seen by one of the two shells). Every value we need (paths, ids, URLs) fits;
 * anything else travels in the container environment.
 */
export function shellWord(word: string, what: string): string {
  // {{PWD}} is YARN's own reference to the container directory, expanded by the NodeManager.
  if (!/^[A-Za-z0-9_./:=@%+,-]+$/.test(word.replaceAll('{{PWD}}', 'PWD'))) {
    throw new YarnError(`Cannot put ${what} '${word}' on a YARN container command line: only letters, digits and _./:=@%+,- are safe there; pass it through the environment instead`);
  }
  return word;
}

/** words → one command line with stdout/stderr to the container's log dir. */
export function shellLine(words: Array<[string, string]>): string {
  return `${words.map(([w, what]) => shellWord(w, what)).join(' ')} 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr`;
}
